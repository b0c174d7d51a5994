"""Every API operation, fed generated input from its own OpenAPI description.

Whatever arrives, OSR answers without a server error, and every answer it
documents matches the schema it publishes. The examples per operation are
bounded so that the run fits CI.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from osr.core.models import ApiToken
from osr.wsgi import application

from ..factories import ComponentFactory, DependencyFactory, ServiceFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Calls through the WSGI app must not close the test's database connection.

    Django's own test client does the same: the test runs in one transaction
    that a request's end-of-request clean-up would otherwise close.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(users, keep_connection):
    # Something to find for operations that read one object by slug or id.
    service = ServiceFactory(slug="flood", delivery_group=users.own, phase="live")
    ComponentFactory(service=service)
    DependencyFactory(from_service=ServiceFactory(delivery_group=users.own), to_service=service)
    return ApiToken.issue(users.admin)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_answers_match_the_schema(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
