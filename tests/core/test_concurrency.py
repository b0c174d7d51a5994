"""Two people changing one object at once: nobody's change is silently lost."""

import threading

import pytest
from django.db import connection

from osr.catalogue.models import Service

from ..conftest import NO_PRECONDITION, ApiClient
from ..factories import ServiceFactory


@pytest.fixture
def service(users):
    return ServiceFactory(slug="flood", name="Flood", description="0", delivery_group=users.own)


@pytest.mark.django_db
def test_every_object_carries_an_etag(api, service):
    client = api("viewer")
    etag = client.get("/api/v1/services/flood")["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert client.get("/api/v1/services/flood")["ETag"] == etag


@pytest.mark.django_db
def test_patch_and_delete_without_if_match_are_refused(api, service):
    client = api("delivery")
    response = client.patch("/api/v1/services/flood", {"name": "X"}, if_match=NO_PRECONDITION)
    assert response.status_code == 428
    manager = api("osr_manager")
    assert manager.delete("/api/v1/services/flood", if_match=NO_PRECONDITION).status_code == 428
    assert Service.objects.get(slug="flood").name == "Flood"


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_the_current_one_accepted(api, service):
    client = api("delivery")
    first = client.current_etag("/api/v1/services/flood")
    changed = client.patch("/api/v1/services/flood", {"name": "Flood warnings"}, if_match=first)
    assert changed.status_code == 200
    assert changed["ETag"] != first
    stale = client.patch("/api/v1/services/flood", {"name": "Lost update"}, if_match=first)
    assert stale.status_code == 412
    assert stale["ETag"] == changed["ETag"]
    assert Service.objects.get(slug="flood").name == "Flood warnings"
    manager = api("osr_manager")
    assert manager.delete("/api/v1/services/flood", if_match=first).status_code == 412
    assert manager.delete("/api/v1/services/flood", if_match=changed["ETag"]).status_code == 204


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_update(users, service):
    """Each writer adds one to a counter, retrying on 412; the total is exact."""
    writers, increments = 6, 5
    clients = [ApiClient(users.delivery) for _ in range(writers)]
    successes = []
    failures = []

    def write(client):
        try:
            done = 0
            while done < increments:
                read = client.get("/api/v1/services/flood")
                value = int(read.json()["description"])
                response = client.patch(
                    "/api/v1/services/flood",
                    {"description": str(value + 1)},
                    if_match=read["ETag"],
                )
                if response.status_code == 200:
                    done += 1
                elif response.status_code != 412:
                    failures.append(response.status_code)
                    return
            successes.append(done)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    assert sum(successes) == writers * increments
    assert Service.objects.get(slug="flood").description == str(writers * increments)


@pytest.mark.django_db
def test_edit_form_shows_what_someone_else_changed_instead_of_overwriting(page, service):
    client = page("delivery")
    form = client.get("/services/flood/edit").content.decode()
    token = form.split('name="_version" value="')[1].split('"')[0]
    Service.objects.filter(slug="flood").update(name="Renamed by a colleague")

    mine = {
        "name": "My name",
        "slug": "flood",
        "delivery_group": "farming",
        "support_hours": "business_hours",
        "description": "0",
        "_version": token,
    }
    response = client.post("/services/flood/edit", mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this while you were editing" in body
    assert "from ‘Flood’ to ‘Renamed by a colleague’" in body
    assert Service.objects.get(slug="flood").name == "Renamed by a colleague"

    # Saving again, having seen their change, keeps mine.
    mine["_version"] = body.split('name="_version" value="')[1].split('"')[0]
    assert client.post("/services/flood/edit", mine).status_code == 302
    assert Service.objects.get(slug="flood").name == "My name"


@pytest.mark.django_db
def test_every_api_answer_to_a_read_carries_an_etag(api, service, users):
    client = api("viewer")
    for path in [
        "/api/v1/services",
        "/api/v1/services/flood/readiness",
        "/api/v1/services/flood/impact",
        "/api/v1/review-boards",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.get("ETag"), path
