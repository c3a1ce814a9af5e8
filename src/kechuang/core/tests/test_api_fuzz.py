"""Property-based API tests: schemathesis generates requests from the served schema.

Every generated request to every operation, as county A's clerk, must get a documented
status code and a body that matches the schema — in particular no 500 and no undocumented
error shape.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kechuang.wsgi import application  # noqa: E402

# the schema the application serves (test_api_schema checks docs/openapi.yaml equals it)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema", application)
# valid requests only: DRF is lenient with some invalid input (an unparsable page_size falls
# back to the default), which is deliberate and not an error
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def keep_connection():
    """Like Django's test client: requests must not close the test's database connection
    (on PostgreSQL that would end the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(users, report_a, report_b, keep_connection):
    from kechuang.accounts.models import ApiToken

    return ApiToken.issue(users["county_a_staff"])[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_schema(case, token):
    if case.path == "/api/v1/auth/token" and case.method == "DELETE":
        pytest.skip("revokes the token the other cases use")
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
