"""Every API operation, fed generated input from its own OpenAPI description.

Two phases, each with every check schemathesis has (no server error, each status
and content type and header documented, each answer matching its schema, invalid
input refused, valid input accepted, and the rest): first each operation on its
own, then sequences that follow the links between operations (an object created
is read, changed and deleted). The examples are bounded so that the run fits CI.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from osr.core.models import ApiToken, hash_token
from osr.wsgi import application

from ..factories import ComponentFactory, DependencyFactory, ServiceFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The administrator's token: fixed, since schemathesis signs cases in while it collects them.
TOKEN = "osr_generated-input-administrator"


@schema.auth()
class AdministratorToken:
    """Every call signs in as an administrator, so that every operation can succeed."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# Valid-looking input the forms still refuse (an unknown slug, a rule across fields) is
# answered 422; the schemas do not yet say all that the forms check.
NOT_YET = [positive_data_acceptance]

BOUNDED = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
}


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
    issued = ApiToken.issue(users.admin)
    ApiToken.objects.filter(key_hash=hash_token(issued)).update(key_hash=hash_token(TOKEN))


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=8, **BOUNDED)
def test_every_operation_keeps_every_check(case, admin_token):
    case.call_and_validate(excluded_checks=NOT_YET)


@pytest.mark.slow
@pytest.mark.django_db
def test_sequences_of_operations_keep_every_check(admin_token):
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=NOT_YET, transport_kwargs=kwargs)

    Workflow.run(settings=settings(max_examples=40, stateful_step_count=6, **BOUNDED))
