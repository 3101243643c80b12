"""Every operation of the app's own OpenAPI document, fuzzed by schemathesis as a lifter:
no 5xx, and no response that breaks its declared schema, status codes or content type.

The document comes from the app itself (no server needed to collect one test per operation);
the calls go to a real `gravl serve` on PostgreSQL.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import ignored_auth, positive_data_acceptance

from gravl.app import create_app
from gravl.config import Settings
from tests.reliability.conftest import FuzzTarget, fuzz_examples

SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(env="test", database_url="sqlite+aiosqlite://")).openapi()
)
OPERATIONS = {
    op.label: op for result in SCHEMA.get_all_operations() if (op := result.ok()) is not None
}
# Read without a token, answered with more (your custom exercises) when one is sent.
PUBLIC = {
    "GET /api/exercises",
    "GET /api/exercises/{exercise_id}",
    "GET /api/exercises/{exercise_id}/alternatives",
    "GET /api/muscle-groups",
    "POST /api/auth/register",
    "POST /api/auth/login",
    "POST /api/auth/refresh",
    "GET /api/health",
    "GET /api/ready",
}
# Schema-valid is not the same as acceptable: ids that name no row of yours (404), a swap of a
# day with nothing scheduled (409), a timezone that is a string but not an IANA zone (422).
# JSON Schema cannot say those, so "valid data must be accepted" would flag correct answers.
EXCLUDED = [positive_data_acceptance]


@pytest.mark.slow
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_conforms_to_its_schema(label: str, fuzz_target: FuzzTarget) -> None:
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=fuzz_examples(),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        # Always call as the fuzzing lifter, whatever Authorization the case made up.
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.call_and_validate(
            base_url=fuzz_target.server.api,
            headers={**headers, **fuzz_target.headers},
            excluded_checks=EXCLUDED + ([ignored_auth] if label in PUBLIC else []),
        )

    check()
