"""Every API operation, fed generated input from its own OpenAPI description.

Two phases, each with every check schemathesis has (no server error, each status
and content type and header documented, each answer matching its schema, invalid
input refused, valid input accepted, and the rest): first each operation on its
own, then sequences that follow the links between operations (an object created
is read, changed and deleted). The examples are bounded so that the run fits CI.
"""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from osr.core.models import ApiToken, hash_token
from osr.wsgi import application

from ..factories import ComponentFactory, DependencyFactory, ServiceFactory

DOCUMENT = "/api/v1/openapi.json"
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis's own


def answers_the_document_cannot_rule_out(document: dict) -> list[dict]:
    """Per operation, the refusals of valid input that only the data can decide.

    Each is named in the document itself, so the list follows the API:
    - a field or filter that refers to another object (``x-refers-to``): whether
      one with that slug or id exists is known only when the request arrives (422);
    - ``If-Match``: the current version is known only by reading the object (412);
      a request without it is refused 428, as RFC 6585 has it, not 400 or 422;
    - a document uploaded for import (``contentMediaType``): its lines are checked
      one by one, which a schema of the request's shape cannot say (422).
    """
    operations = []
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            text = json.dumps(
                [operation.get("parameters", []), operation.get("requestBody", {})]
                + _schemas_named(document, operation)
            )
            accepted, missing_header = [], []
            if "x-refers-to" in text or "contentMediaType" in text:
                accepted.append("422")
            if '"If-Match"' in text:
                accepted.append("412")
                missing_header.append("428")
            if not accepted:
                continue
            checks: dict = {"positive_data_acceptance": {"expected-statuses": ACCEPTED + accepted}}
            if missing_header:
                expected = ["400", "401", "403", "406", "415", "422", *missing_header]
                checks["missing_required_header"] = {"expected-statuses": expected}
            operations.append({"include-name": f"{method.upper()} {path}", "checks": checks})
    return operations


def _schemas_named(document: dict, operation: dict) -> list[dict]:
    """The component schemas a request body refers to, and those they refer to."""
    schemas = document.get("components", {}).get("schemas", {})
    seen: dict[str, dict] = {}
    pending = re.findall(
        r'"#/components/schemas/([^"]+)"', json.dumps(operation.get("requestBody", {}))
    )
    while pending:
        name = pending.pop()
        if name not in seen and name in schemas:
            seen[name] = schemas[name]
            pending += re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schemas[name]))
    return list(seen.values())


_document = schemathesis.openapi.from_wsgi(DOCUMENT, application).raw_schema
schema = schemathesis.openapi.from_wsgi(
    DOCUMENT,
    application,
    config=SchemathesisConfig.from_dict(
        {"operations": answers_the_document_cannot_rule_out(_document)}
    ),
)
# The administrator's token: fixed, since schemathesis signs cases in while it collects them.
TOKEN = "osr_generated-input-administrator"


@schema.auth()
class AdministratorToken:
    """Every call signs in as an administrator, so that every operation can succeed."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


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
    case.call_and_validate()


@pytest.mark.slow
@pytest.mark.django_db
def test_sequences_of_operations_keep_every_check(admin_token):
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, transport_kwargs=kwargs)

    Workflow.run(settings=settings(max_examples=40, stateful_step_count=6, **BOUNDED))
