"""Bulk export: the latest approved guide of every live service, one zip, with progress."""

import csv
import io
import zipfile

import pytest
from django.utils import timezone

from osr.guides import services
from osr.guides.export import live_guide_versions, write_zip
from osr.guides.models import GuideExport

from .conftest import make_complete_service

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def approve(service, users):
    version = services.generate_version(service, by=users.delivery, today=timezone.localdate())
    services.approve_version(version, by=users.osr_manager)
    services.approve_version(version, by=users.live_services_manager)
    return version


@pytest.fixture
def estate(users):
    """Two live services with approved guides (one approved twice, then a new draft), a live
    service with only a draft, and an approved guide of a service still in beta."""
    live = []
    for n in range(2):
        service = make_complete_service(users.own, name=f"Live {n}", slug=f"live-{n}")
        approve(service, users)
        service.phase = "live"
        service.save()
        live.append(service)
    approve(live[0], users)
    services.generate_version(live[0], by=users.delivery, today=timezone.localdate())
    draft_only = make_complete_service(users.own, name="Draft", slug="draft-only")
    draft_only.phase = "live"
    draft_only.save()
    services.generate_version(draft_only, by=users.delivery, today=timezone.localdate())
    approve(make_complete_service(users.own, name="Beta", slug="beta"), users)
    return live


def test_the_export_holds_each_live_services_latest_approved_guide(estate):
    chosen = [(v.service.slug, v.number) for v in live_guide_versions()]
    assert chosen == [("live-0", 2), ("live-1", 1)]
    target = io.BytesIO()
    seen = []
    count = write_zip(
        target, ["md", "pdf"], progress=lambda done, total: seen.append((done, total))
    )
    assert count == 2 and seen == [(0, 2), (1, 2), (2, 2)]
    archive = zipfile.ZipFile(target)
    assert sorted(archive.namelist()) == [
        "farming/live-0-operations-guide-v2.md",
        "farming/live-0-operations-guide-v2.pdf",
        "farming/live-1-operations-guide-v1.md",
        "farming/live-1-operations-guide-v1.pdf",
        "index.csv",
    ]
    markdown = archive.read("farming/live-0-operations-guide-v2.md").decode()
    assert "**Version:** 2" in markdown and "**Document status:** Approved" in markdown
    assert archive.read("farming/live-1-operations-guide-v1.pdf").startswith(b"%PDF")
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert [(r["service"], r["version"], r["complete"]) for r in rows] == [
        ("live-0", "2", "yes"),
        ("live-1", "1", "yes"),
    ]


def test_the_export_reads_versions_in_chunks_whatever_their_number(estate, monkeypatch):
    from osr.guides import export

    monkeypatch.setattr(export, "CHUNK", 1)
    assert write_zip(io.BytesIO(), ["md"]) == 2


def test_the_api_runs_the_export_in_the_background_and_reports_progress(
    api, estate, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path
    client = api("osr_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/operations-guides/exports", {"formats": ["md", "docx"]})
    assert response.status_code == 202
    export_id = response.json()["id"]
    progress = client.get(f"/api/v1/operations-guides/exports/{export_id}").json()
    assert (progress["status"], progress["done"], progress["total"]) == ("succeeded", 2, 2)
    assert progress["percent"] == 100
    download = client.get(progress["download"])
    assert download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "farming/live-1-operations-guide-v1.docx" in names


def test_exports_are_for_managers_and_administrators(api, estate):
    assert api("delivery").post("/api/v1/operations-guides/exports", {}).status_code == 403
    assert api("viewer").post("/api/v1/operations-guides/exports", {}).status_code == 403
    bad = api("admin").post("/api/v1/operations-guides/exports", {"formats": ["odt"]})
    assert bad.status_code == 422 and "formats" in bad.json()["errors"]


def test_the_export_page_starts_an_export_and_shows_its_progress(
    page, estate, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path
    client = page("live_services_manager")
    form = client.get("/operations-guides/exports")
    assert form.status_code == 200 and "(2 now)" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/operations-guides/exports", {"formats": ["pdf"]})
    assert response.status_code == 302
    export = GuideExport.objects.get()
    assert response["Location"] == f"/operations-guides/exports/{export.pk}"
    progress = client.get(response["Location"]).content.decode()
    assert "2 of 2 guides (100%)" in progress and "Download the zip" in progress
    assert client.get(f"/operations-guides/exports/{export.pk}/download").status_code == 200
    empty = client.post("/operations-guides/exports", {})
    assert empty.status_code == 422 and "Choose at least one format" in empty.content.decode()
