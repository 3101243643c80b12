"""SQLite writers queue for the lock instead of failing (issue 15, finding 7).

A deferred BEGIN reads first and asks for the write lock later; when another writer commits in
between, SQLite refuses the upgrade at once (SQLITE_BUSY, no busy wait), and the request answered
503. Under a burst of failed sign-ins most of a lifter's correct sign-ins failed that way.
"""

from __future__ import annotations

import asyncio

import httpx

from gravl.app import create_app
from gravl.config import Settings

PASSWORD = "correct horse 1"


def test_concurrent_sign_ins_all_get_an_answer_not_a_503(settings: Settings) -> None:
    async def run() -> list[int]:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                for n in range(4):
                    email = f"lifter{n}@example.com"
                    response = await client.post(
                        "/api/auth/register", json={"email": email, "password": PASSWORD}
                    )
                    assert response.status_code == 201, response.text

                async def sign_in(n: int) -> int:
                    password = PASSWORD if n % 2 else "wrong password 1"
                    response = await client.post(
                        "/api/auth/login",
                        json={"email": f"lifter{n % 4}@example.com", "password": password},
                    )
                    return response.status_code

                return list(await asyncio.gather(*(sign_in(n) for n in range(24))))

    statuses = asyncio.run(run())
    assert 503 not in statuses, statuses
    # Correct passwords sign in; wrong ones are refused (or, past the limit, rate limited).
    assert all(s == 200 for s in statuses[1::2]), statuses
    assert set(statuses[0::2]) <= {401, 429}, statuses
