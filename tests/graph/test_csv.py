"""The catalogue spreadsheet: export, preview of every change, row-numbered errors."""

import csv
import io

import pytest

from osr.catalogue.models import Dependency, Service
from osr.graph.csv_io import COLUMNS, export_csv, import_csv
from osr.graph.csv_records import RECORDS

from ..factories import DependencyFactory, ExternalSystemFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(users):
    team = TeamFactory(slug="flood-team", delivery_group=users.own)
    warnings = ServiceFactory(
        slug="warnings",
        name="Flood warnings",
        phase="live",
        delivery_group=users.own,
        delivery_team=team,
        critical=True,
        critical_reason="Protects life",
    )
    maps = ServiceFactory(slug="maps", name="Maps", phase="alpha", delivery_group=users.other)
    notify = ExternalSystemFactory(slug="notify")
    DependencyFactory(from_service=warnings, to_service=maps)
    DependencyFactory(from_service=warnings, to_service=None, to_external=notify)
    return {"warnings": warnings, "maps": maps}


def table(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_a_row_per_record_with_each_dependency_and_its_kind(catalogue):
    rows = table(export_csv())
    assert list(rows[0]) == COLUMNS
    warnings = next(r for r in rows if r["record"] == "service" and r["slug"] == "warnings")
    assert warnings["delivery_group"] == "farming" and warnings["delivery_team"] == "flood-team"
    assert warnings["critical"] == "yes" and warnings["phase"] == "live"
    dependencies = [
        (r["service"], r["depends_on"], r["kind"]) for r in rows if r["record"] == "dependency"
    ]
    assert dependencies == [
        ("warnings", "maps", "runtime_api"),
        ("warnings", "external:notify", "runtime_api"),
    ]
    kinds = [r["record"] for r in rows]
    assert kinds == sorted(kinds, key=list(RECORDS).index)
    assert {"person", "delivery_group", "team", "external_system"} <= set(kinds)


def test_export_then_import_changes_nothing(catalogue, users):
    result = import_csv(export_csv(), by=users.admin, apply=True)
    assert result.applied, result.problems
    assert {c.action for c in result.changes} == {"unchanged"}


def test_preview_shows_every_change_and_saves_nothing(catalogue, users):
    rows = [
        row
        for row in table(export_csv())
        if (row["record"], row["service"], row["depends_on"]) != ("dependency", "warnings", "maps")
    ]
    for row in rows:
        if row["record"] == "service" and row["slug"] == "maps":
            row["name"] = "OS maps"
            row["depends_on"] = "external:notify"
    rows.append(
        {column: "" for column in COLUMNS}
        | {
            "record": "service",
            "slug": "alerts",
            "name": "Alerts",
            "delivery_group": "farming",
            "phase": "alpha",
            "depends_on": "warnings",
        }
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)

    result = import_csv(out.getvalue(), by=users.admin, apply=False)
    assert result.ok and not result.applied
    changes = [str(c) for c in result.changes if c.action != "unchanged"]
    assert sorted(changes) == [
        "create dependency alerts → warnings",
        "create dependency maps → notify",
        "create service alerts",
        "remove dependency warnings → maps",
        "update service maps: Name: Maps → OS maps",
    ]
    assert not Service.objects.filter(slug="alerts").exists()
    assert Service.objects.get(slug="maps").name == "Maps"

    result = import_csv(out.getvalue(), by=users.admin, apply=True)
    assert result.applied
    assert Service.objects.get(slug="alerts").phase == "alpha"
    assert not Dependency.objects.filter(
        from_service__slug="warnings", to_service__slug="maps"
    ).exists()


def test_errors_are_numbered_by_spreadsheet_row_and_nothing_is_saved(catalogue, users):
    text = (
        "slug,name,delivery_group,phase,critical,depends_on\n"
        "new-one,New one,farming,alpha,no,\n"
        "bad slug,Bad,farming,alpha,no,\n"
        "other,Other,nowhere,alpha,no,\n"
        "odd,Odd,farming,someday,no,\n"
        "yesno,Yes no,farming,alpha,perhaps,\n"
        "dangling,Dangling,farming,alpha,no,missing\n"
    )
    result = import_csv(text, by=users.admin, apply=True)
    assert not result.applied
    messages = [str(p) for p in result.problems]
    assert messages[0].startswith("Row 3, slug: Enter a valid")
    assert messages[1] == "Row 4, delivery_group: delivery group ‘nowhere’ does not exist"
    assert messages[2].startswith("Row 5, phase: ‘someday’ is not a phase")
    assert messages[3] == "Row 6, critical: ‘perhaps’ is not yes or no"
    assert messages[4] == (
        "Row 7, depends_on: ‘missing’ is not a service or external system "
        "in the file or the catalogue"
    )
    assert not Service.objects.filter(slug="new-one").exists()


def test_unknown_columns_are_refused(users):
    result = import_csv("slug,colour\nx,blue\n", by=users.admin, apply=False)
    assert str(result.problems[0]).startswith("Row 1: unknown columns: colour")


def test_a_file_that_is_not_csv_is_refused_with_a_message(users):
    too_long = "slug,name\nx," + "y" * 200_000  # past the CSV reader's field limit
    result = import_csv(too_long, by=users.admin, apply=False)
    assert result.problems and str(result.problems[0]).startswith("Row 1:")


def test_page_upload_preview_and_apply(page, catalogue):
    client = page("admin")
    text = export_csv().replace("Flood warnings", "Flood warning service")
    upload = io.BytesIO(text.encode())
    upload.name = "catalogue.csv"
    response = client.post("/import", {"kind": "csv", "uploads": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the import" in html and "Flood warning service" in html
    assert "0 to create, 1 to update, 0 to remove" in html
    assert Service.objects.get(slug="warnings").name == "Flood warnings"
    response = client.post("/import/apply")
    assert response.status_code == 302
    assert Service.objects.get(slug="warnings").name == "Flood warning service"


def test_page_preview_shows_errors_with_row_numbers(page, catalogue):
    upload = io.BytesIO(b"slug,name,delivery_group\nx,X,nowhere\n")
    upload.name = "catalogue.csv"
    response = page("admin").post("/import", {"kind": "csv", "uploads": upload})
    assert response.status_code == 422
    assert "Row 2, delivery_group: delivery group ‘nowhere’ does not exist" in (
        response.content.decode()
    )
    assert "Apply the import" not in response.content.decode()


def test_page_upload_without_a_file_is_an_error(page, catalogue):
    response = page("admin").post("/import", {"kind": "csv"})
    assert response.status_code == 422
    assert "Select a file to import" in response.content.decode()


def test_only_administrators_see_the_import_page(page, catalogue):
    assert page("osr_manager").get("/import").status_code == 403
    assert page("admin").get("/import").status_code == 200
