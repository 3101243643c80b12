"""Rate limits count each client behind a trusted proxy (issue 15, finding 3).

Behind an ingress every connection comes from the ingress's address. Unless Gravl believes the
ingress's X-Forwarded-For, every client shares one bucket, and 30 sign-ins a minute from anyone
block all sign-ins. It believes only the proxies of GRAVL_TRUSTED_PROXIES; IPv6 clients are
counted by their /64, the network one subscriber picks addresses from.
"""

from __future__ import annotations

import asyncio

import httpx

from gravl.app import create_app
from gravl.config import Settings

INGRESS = ("10.42.0.7", 51234)  # an ingress controller's pod


def _statuses(settings: Settings, forwarded_for: list[str]) -> list[int]:
    """Failed sign-ins, one per forwarded address in order, all through the ingress."""

    async def run() -> list[int]:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=INGRESS)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                statuses = []
                for address in forwarded_for:
                    response = await client.post(
                        "/api/auth/login",
                        json={"email": "nobody@example.com", "password": "wrong password 1"},
                        headers={"X-Forwarded-For": address},
                    )
                    statuses.append(response.status_code)
                return statuses

    return asyncio.run(run())


def _limited(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update={"login_per_minute": 3, **changes})


def test_behind_a_trusted_ingress_each_client_has_its_own_bucket(settings: Settings) -> None:
    trusting = _limited(settings, trusted_proxies="10.42.0.0/16")
    statuses = _statuses(trusting, ["203.0.113.5"] * 4 + ["203.0.113.6"])
    assert statuses == [401, 401, 401, 429, 401]


def test_an_untrusted_sender_cannot_choose_its_bucket(settings: Settings) -> None:
    """Without trusting the sender, X-Forwarded-For is ignored: a client cannot escape its
    limit (or spend someone else's) by writing the header itself."""
    statuses = _statuses(_limited(settings), ["203.0.113.5"] * 3 + ["203.0.113.6"])
    assert statuses == [401, 401, 401, 429]


def test_ipv6_clients_are_counted_by_their_slash_64(settings: Settings) -> None:
    trusting = _limited(settings, trusted_proxies="10.42.0.0/16")
    same_network = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:2::4"]
    statuses = _statuses(trusting, [*same_network, "2001:db8:1:3::1"])
    assert statuses == [401, 401, 401, 429, 401]
