"""Every PATCH and DELETE in the API needs the object's current ETag in If-Match."""

import pytest
from django.test import Client

from osr.devtools import services as devtools
from osr.reviews.models import AgendaItem

from ..conftest import NO_PRECONDITION
from ..factories import ServiceFactory
from ..reviews.conftest import held, owner  # noqa: F401  (a board that has met)

pytestmark = pytest.mark.django_db


def test_every_patch_and_delete_documents_its_preconditions():
    schema = Client().get("/api/v1/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("patch", "delete") and not {"412", "428"} <= set(operation["responses"])
    ]
    assert not missing, f"without If-Match handling: {missing}"


def test_taking_a_service_off_the_agenda_needs_if_match(api, held):  # noqa: F811
    client = api("osr_manager")
    path = f"/api/v1/review-boards/{held.board.pk}/agenda/waste"
    assert client.delete(path, if_match=NO_PRECONDITION).status_code == 428
    assert client.delete(path, if_match='"stale"').status_code == 412
    assert AgendaItem.objects.filter(pk=held.item.pk).exists()
    assert client.delete(path).status_code == 204


def test_unlinking_a_code_host_needs_if_match(api, users):
    service = ServiceFactory(slug="waste-tracking", delivery_group=users.own)
    integration, _secret = devtools.create_integration(
        service, host="github", name="waste", component=None, by=users.admin
    )
    client = api("osr_manager")
    path = f"/api/v1/services/waste-tracking/integrations/{integration.public_id}"
    assert client.get(path).json()["host"] == "github"
    assert client.delete(path, if_match=NO_PRECONDITION).status_code == 428
    assert client.delete(path).status_code == 204
