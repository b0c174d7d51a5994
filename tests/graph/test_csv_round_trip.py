"""The catalogue spreadsheet carries the whole catalogue from one OSR to an empty one,
and every cell a spreadsheet would run is written inert."""

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import models as db
from django.utils import timezone

from osr.catalogue import models
from osr.catalogue.demo import load_estate
from osr.graph.csv_io import export_csv, import_csv

from ..conftest import make_user
from ..factories import ExternalSystemFactory, PersonFactory, ServiceFactory, SupplierFactory

pytestmark = pytest.mark.django_db

# Written from last to first: each refers only to those before it.
KINDS = [
    models.Person,
    models.DeliveryGroup,
    models.Team,
    models.Supplier,
    models.ExternalSystem,
    models.Service,
    models.Component,
    models.Contract,
    models.Dependency,
]
# Not the catalogue's own: when and by whom, accounts, and a credential kept out of exports.
LEFT_OUT = {"id", "created", "updated", "user", "teams_webhook_url"}


def natural_key(obj) -> str:
    if isinstance(obj, models.Person):
        return obj.email or obj.name
    if isinstance(obj, models.Component):
        return f"{obj.service.slug}/{obj.name}"
    if isinstance(obj, models.Contract):
        return obj.reference
    return obj.slug


def canonical(obj) -> tuple:
    """Every field of a record, with what it refers to named as a person would."""
    values = []
    for field in obj._meta.get_fields():
        if field.auto_created or field.name in LEFT_OUT:
            continue
        if isinstance(field, db.ManyToManyField):
            value = sorted(natural_key(o) for o in getattr(obj, field.name).all())
        elif isinstance(field, db.ForeignKey):
            related = getattr(obj, field.name)
            value = natural_key(related) if related is not None else None
        else:
            value = getattr(obj, field.name)
        values.append((field.name, value))
    return tuple(values)


def dump() -> dict[str, list]:
    return {kind.__name__: sorted(map(canonical, kind.objects.all()), key=repr) for kind in KINDS}


def empty_the_catalogue() -> None:
    for kind in reversed(KINDS):
        kind.objects.all().delete()


@pytest.fixture
def demo(db):
    """The demo estate, and an administrator to import it (without other test groups)."""
    load_estate(today=timezone.localdate())
    return make_user("importer", "admin")


def test_the_demo_estate_survives_a_round_trip_into_an_empty_catalogue(demo):
    before = dump()
    text = export_csv()
    empty_the_catalogue()
    assert not any(dump().values())

    result = import_csv(text, by=demo, apply=True)

    assert result.applied, result.problems[:5]
    after = dump()
    for kind in before:
        assert after[kind] == before[kind], kind
    assert all(before[kind.__name__] for kind in KINDS), "the demo holds every kind"
    kinds = {d.kind for d in models.Dependency.objects.all()}
    assert len(kinds) > 1, "the dependencies keep their kinds"


def test_importing_the_export_again_changes_nothing(demo):
    result = import_csv(export_csv(), by=demo, apply=True)
    assert result.applied, result.problems[:5]
    assert {c.action for c in result.changes} == {"unchanged"}


SHEET = """\
record,slug,name,email,delivery_group,kind,members,service,depends_on,supplier,reference,\
start_date,end_date,components
person,,Ann Jones,ann@defra.example,,,,,,,,,,
team,flood,Flood team,,acme,delivery,ann@defra.example; bob@defra.example,,,,,,,
component,,Database,,,database,,nowhere,,sup,,,,
contract,,,,,,,,,sup,C-1,2025-01-01,2025-12-31,maps/Database
dependency,,,,,data_feed,,ghost,external:notify,,,,,
service,maps,Maps,,farming,,,,,,,,,
"""


def test_a_reference_to_nothing_names_what_is_missing(users):
    result = import_csv(SHEET, by=users.admin, apply=True)
    assert not result.applied
    assert [str(p) for p in result.problems] == [
        "Row 3, delivery_group: delivery group ‘acme’ does not exist",
        "Row 3, members: person ‘bob@defra.example’ does not exist",
        "Row 4, service: service ‘nowhere’ does not exist",
        "Row 4, supplier: supplier ‘sup’ does not exist",
        "Row 4, hosting: Select hosting",
        "Row 5, supplier: supplier ‘sup’ does not exist",
        "Row 5, components: component ‘maps/Database’ does not exist",
        "Row 6, service: service ‘ghost’ does not exist",
        "Row 6, depends_on: ‘external:notify’ is not a service or external system "
        "in the file or the catalogue",
    ]


def test_a_reference_to_a_row_with_its_own_problem_is_not_reported_again(users):
    text = (
        "record,slug,name,email,delivery_group,members\n"
        "person,,Ann Jones,not-an-email,,\n"
        "delivery_group,acme,,,,\n"
        "team,flood,Flood team,,acme,not-an-email\n"
    )
    result = import_csv(text, by=users.admin, apply=False)
    assert [str(p) for p in result.problems] == [
        "Row 2, email: Enter a valid email address.",
        "Row 3, name: Enter name",
    ]


def test_a_cell_for_another_kind_of_record_is_an_error(users):
    text = "record,slug,name,phase\nsupplier,sup,Supplier,live\n"
    result = import_csv(text, by=users.admin, apply=False)
    assert [str(p) for p in result.problems] == ["Row 2, phase: a supplier has no phase"]


def test_dependency_rows_set_kinds_and_replace_the_service_s_list(users):
    maps = ServiceFactory(slug="maps", delivery_group=users.own)
    ServiceFactory(slug="alerts", delivery_group=users.own)
    ExternalSystemFactory(slug="notify")
    text = (
        "record,slug,name,delivery_group,service,depends_on,kind,carries_live_data\n"
        f"service,maps,{maps.name},farming,,,,\n"
        "dependency,,,,maps,alerts,data_feed,yes\n"
        "dependency,,,,maps,external:notify,identity,no\n"
    )
    result = import_csv(text, by=users.admin, apply=True)
    assert result.applied, result.problems
    assert sorted(
        (d.target.slug, d.kind, d.carries_live_data) for d in maps.dependencies.all()
    ) == [("alerts", "data_feed", True), ("notify", "identity", False)]

    text = text.replace("identity,no", "identity,yes").replace("dependency,,,,maps,alerts", "")
    text = "\n".join(line for line in text.splitlines() if line != ",data_feed,yes") + "\n"
    result = import_csv(text, by=users.admin, apply=True)
    assert result.applied, result.problems
    assert [(d.target.slug, d.carries_live_data) for d in maps.dependencies.all()] == [
        ("notify", True)
    ]


FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def dangerous(users):
    PersonFactory(name="+Plus Person", email="plus@defra.example")
    SupplierFactory(slug="at", name="@Supplier")
    ExternalSystemFactory(slug="minus", name="-Minus", description="=1+1")
    return ServiceFactory(slug="evil", name="-Evil", description=FORMULA, delivery_group=users.own)


def cells(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_formula_like_cells_are_written_inert(dangerous):
    rows = cells(export_csv())
    service = next(r for r in rows if r["slug"] == "evil")
    assert service["description"] == "'" + FORMULA
    assert service["name"] == "'-Evil"
    assert next(r for r in rows if r["name"] == "'+Plus Person")
    assert next(r for r in rows if r["slug"] == "at")["name"] == "'@Supplier"
    assert next(r for r in rows if r["slug"] == "minus")["description"] == "'=1+1"


def test_reimporting_the_export_restores_the_original_text(dangerous, users):
    text = export_csv()
    empty_the_catalogue()
    result = import_csv(text, by=users.admin, apply=True)
    assert result.applied, result.problems
    service = models.Service.objects.get(slug="evil")
    assert (service.name, service.description) == ("-Evil", FORMULA)
    assert models.Person.objects.filter(name="+Plus Person").exists()
    assert models.Supplier.objects.get(slug="at").name == "@Supplier"
    assert models.ExternalSystem.objects.get(slug="minus").description == "=1+1"


def _spreadsheet_round_trip(path, out_dir) -> list[list[str]]:
    """The sheet as LibreOffice Calc reads it, formulas evaluated, written out as CSV."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    # Comma, double quote, UTF-8, from line 1, ..., evaluate formulas (token 13).
    options = "44,34,76,1,,1033,false,false,false,false,false,-1,true"
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{out_dir}/profile",
            f"--infilter=CSV:{options}",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return list(csv.reader((out_dir / path.name).read_text(encoding="utf-8").splitlines()))


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="needs LibreOffice Calc"
)
def test_a_spreadsheet_opening_the_export_shows_text_not_formulas(dangerous, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "control.csv").write_text("description\n=1+1\n", encoding="utf-8")
    (source / "catalogue.csv").write_text(export_csv(), encoding="utf-8")
    out = tmp_path / "out"

    assert _spreadsheet_round_trip(source / "control.csv", out)[1] == ["2"], "formulas run"
    shown = [cell for row in _spreadsheet_round_trip(source / "catalogue.csv", out) for cell in row]
    for text in (FORMULA, "=1+1", "-Evil", "+Plus Person", "@Supplier"):
        assert any(text in cell for cell in shown), text
    assert "click" not in shown and "2" not in shown


def test_the_example_in_the_docs_imports(users):
    docs = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    example = docs.split("    record,slug,name,email", 1)[1].split("\n\n", 1)[0]
    text = "record,slug,name,email" + example.replace("\n    ", "\n") + "\n"
    result = import_csv(text, by=users.admin, apply=True)
    assert result.applied, result.problems
    grants = models.Service.objects.get(slug="grants")
    assert grants.description == "=Grants for farmers" and grants.phase == "live"
    assert [(d.target.slug, d.kind) for d in grants.dependencies.order_by("kind")] == [
        ("payments", "data_feed"),
        ("notify", "runtime_api"),
    ]
