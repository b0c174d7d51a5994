"""Importing straight from a running Backstage: its catalogue API, page by page, read as
its descriptor files are, into the same catalogue."""

import sys
from io import StringIO

import pytest
from django.core.management import call_command

from osr import cli
from osr.catalogue.models import Dependency, Service
from osr.graph import backstage_api
from osr.graph.backstage import import_backstage_api, import_backstage_paths

from .fake_backstage import FakeBackstage, entities_of
from .test_backstage_catalogue import FIXTURE

pytestmark = pytest.mark.django_db

TOKEN = "backstage-static-token"


@pytest.fixture
def backstage(monkeypatch):
    # A small page, so that the fixture's 25 entities take several requests.
    monkeypatch.setattr(backstage_api, "PAGE_SIZE", 7)
    with FakeBackstage(entities_of(FIXTURE), token=TOKEN) as fake:
        yield fake


def _catalogue():
    services = dict(Service.objects.values_list("slug", "phase"))
    edges = set(Dependency.objects.values_list("from_service__slug", "kind"))
    return services, edges


def test_the_api_gives_the_catalogue_the_files_give(users, backstage):
    from_files = import_backstage_paths([str(FIXTURE)], by=users.admin, apply=True)
    assert from_files.ok
    catalogue = _catalogue()

    from_api = import_backstage_api(backstage.url, TOKEN, by=users.admin, apply=True)

    assert from_api.ok, [str(p) for p in from_api.problems]
    assert {change.action for change in from_api.changes} == {"unchanged"}
    assert _catalogue() == catalogue
    # Every page was asked for: the first by its limit, the rest by the cursor given.
    assert backstage.requests[0] == {"limit": "7"}
    assert [set(r) for r in backstage.requests[1:]] == [{"limit", "cursor"}] * 3


def test_an_import_from_the_api_into_an_empty_catalogue(users, backstage):
    result = import_backstage_api(backstage.url, TOKEN, by=users.admin, apply=True)
    assert result.ok and result.applied
    assert result.counts()["create"] and Service.objects.exists()
    files_read = import_backstage_paths([str(FIXTURE)], by=users.admin, apply=False).read
    assert result.read == {kind: n for kind, n in files_read.items() if kind != "Location"}
    assert "Location: 2 entities (not followed: the catalogue serves what they name)" in (
        result.not_kept
    )
    # What the catalogue adds to each entity is not taken for fields the files left out.
    assert not [line for line in result.not_kept if "relations" in line or "status" in line]
    assert not [line for line in result.not_kept if "metadata.uid" in line or "etag" in line]
    again = import_backstage_api(backstage.url, TOKEN, by=users.admin, apply=True)
    assert {change.action for change in again.changes} == {"unchanged"}


def test_the_command_reads_the_token_from_the_environment(users, backstage, settings):
    settings.OSR_BACKSTAGE_TOKEN = TOKEN
    out = StringIO()
    call_command("import", "backstage", "--url", backstage.url, "--dry-run", stdout=out)
    assert "Preview only, nothing saved" in out.getvalue()
    assert not Service.objects.exists()


def test_a_refused_token_is_one_line_and_a_non_zero_exit(users, backstage, monkeypatch, settings):
    settings.OSR_BACKSTAGE_TOKEN = "wrong"
    monkeypatch.setattr(sys, "argv", ["osr", "import", "backstage", "--url", backstage.url])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == (
        f"osr: The catalogue at {backstage.url}{backstage_api.ENTITIES} answered 401: "
        "AuthenticationError: Missing credentials"
    )


def test_an_address_that_is_not_a_catalogue_is_refused_and_nothing_saved(users, backstage):
    with pytest.raises(backstage_api.BackstageUnavailable, match="Cannot reach"):
        import_backstage_api("http://127.0.0.1:9", None, by=users.admin, apply=True)
    with pytest.raises(backstage_api.BackstageUnavailable, match="answered 401"):
        import_backstage_api(backstage.url, "wrong", by=users.admin, apply=True)
    assert not Service.objects.exists()
