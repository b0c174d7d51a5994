"""An import reports every problem of its files in one run, in file order, and saves nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from osr.catalogue.models import DeliveryGroup, Dependency, Service, Team
from osr.graph.backstage import import_backstage
from osr.graph.csv_io import import_csv
from osr.graph.importing import MAX_PROBLEMS

from ..browsing import forms_of
from ..factories import ServiceFactory
from .test_backstage import CATALOG

pytestmark = pytest.mark.django_db


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def csv_import(text: str, users):
    result = import_csv(text, by=users.admin, apply=True)
    assert not result.applied
    return problems(result)


def test_csv_bad_rows_far_apart_are_all_reported(users):
    rows = [f"ok-{n},OK {n},farming,alpha" for n in range(2, 11)]
    rows[1] = "bad-3,Bad,farming,someday"  # row 3
    rows[7] = "bad-9,Bad,nowhere,alpha"  # row 9
    text = "slug,name,delivery_group,phase\n" + "\n".join(rows) + "\n"
    assert csv_import(text, users) == [
        "Row 3, phase: ‘someday’ is not a phase: choose one of "
        "discovery, alpha, private_beta, public_beta, live, retired",
        "Row 9, delivery_group: delivery group ‘nowhere’ does not exist",
    ]
    assert not Service.objects.filter(slug__startswith="ok-").exists()


def test_csv_bad_phase_does_not_hide_the_rest_of_the_row(users):
    text = (
        "slug,name,delivery_group,phase,support_contact_email\n"
        "new-one,New one,,someday,not-an-email\n"
    )
    assert csv_import(text, users) == [
        "Row 2, phase: ‘someday’ is not a phase: choose one of "
        "discovery, alpha, private_beta, public_beta, live, retired",
        "Row 2, delivery_group: Select delivery group",
        "Row 2, support_contact_email: Enter a valid email address.",
    ]


def test_csv_every_unreadable_cell_of_a_row_is_reported(users):
    text = (
        "slug,name,delivery_group,critical,uses_live_data,live_data_since\n"
        "x,X,farming,perhaps,yes,31/31/2020\n"
    )
    assert csv_import(text, users) == [
        "Row 2, critical: ‘perhaps’ is not yes or no",
        "Row 2, live_data_since: ‘31/31/2020’ is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ]


def test_csv_unknown_column_does_not_hide_the_rows(users):
    text = "slug,name,delivery_group,colour\nx,X,nowhere,blue\n"
    reported = csv_import(text, users)
    assert reported[0].startswith("Row 1: unknown columns: colour")
    assert reported[1:] == ["Row 2, delivery_group: delivery group ‘nowhere’ does not exist"]


def test_csv_invalid_row_still_has_its_dependencies_checked(users):
    text = "slug,name,delivery_group,depends_on\nx,X,nowhere,missing\n"
    assert csv_import(text, users) == [
        "Row 2, delivery_group: delivery group ‘nowhere’ does not exist",
        "Row 2, depends_on: ‘missing’ is not a service or external system "
        "in the file or the catalogue",
    ]


def test_csv_dependency_on_an_invalid_row_reports_that_row_not_a_dangling_reference(users):
    text = (
        "slug,name,delivery_group,depends_on\n"
        "alerts,Alerts,farming,maps; missing\n"
        "maps,Maps,nowhere,\n"
    )
    assert csv_import(text, users) == [
        "Row 2, depends_on: ‘missing’ is not a service or external system "
        "in the file or the catalogue",
        "Row 3, delivery_group: delivery group ‘nowhere’ does not exist",
    ]
    assert not Service.objects.filter(slug="alerts").exists()


def test_csv_problems_come_in_file_order_and_are_capped(users):
    rows = [f"s-{n},S {n},nowhere,missing" for n in range(2, 2 + MAX_PROBLEMS)]
    text = "slug,name,delivery_group,depends_on\n" + "\n".join(rows) + "\n"
    result = import_csv(text, by=users.admin, apply=False)
    assert len(result.problems) == MAX_PROBLEMS
    assert result.problems_left_off == MAX_PROBLEMS
    assert [p.where for p in result.problems[:4]] == ["Row 2", "Row 2", "Row 3", "Row 3"]


def backstage_import(files, users):
    result = import_backstage(files, by=users.admin, apply=True)
    assert not result.applied
    return problems(result)


SERVICE = """\
kind: Component
metadata:
  name: {name}
spec:
  owner: {owner}
  lifecycle: {lifecycle}
"""


def test_backstage_parse_problem_does_not_hide_other_documents_problems(users):
    bad_service = SERVICE.format(name="alerts", owner="group:flood-team", lifecycle="someday")
    text = CATALOG + "---\n" + bad_service + "---\nkind: Component\nmetadata: {title: x}\n"
    assert backstage_import([("catalog-info.yaml", text)], users) == [
        "catalog-info.yaml, document 9, line 94, spec.lifecycle: ‘someday’ has no OSR phase "
        "(see docs/import.md)",
        "catalog-info.yaml, document 10, line 97, metadata.name: every entity needs a name",
    ]
    assert not DeliveryGroup.objects.filter(slug="floods").exists()


def test_backstage_invalid_yaml_does_not_hide_the_documents_after_it(users):
    bad_service = SERVICE.format(name="alerts", owner="group:nobody", lifecycle="alpha")
    text = "kind: [unclosed\n---\n" + bad_service
    reported = backstage_import([("broken.yaml", text), ("other.yaml", CATALOG)], users)
    assert reported[0].startswith("broken.yaml, document 1, line 2: not valid YAML")
    assert reported[1:] == [
        "broken.yaml, document 2, line 7, spec.owner: group:nobody is not in the import "
        "or the catalogue"
    ]


def test_backstage_document_reports_every_structural_problem(users):
    text = "kind: no\nmetadata: {title: X}\n"
    assert backstage_import([("a.yaml", text)], users) == [
        "a.yaml, document 1, line 1, kind: ‘no’ is read by YAML as false, not as text: "
        'quote it ("no")',
        "a.yaml, document 1, line 2, metadata.name: every entity needs a name",
    ]


def test_backstage_unknown_owner_does_not_hide_the_rest_of_the_service(users):
    text = SERVICE.format(name="Alerts!", owner="group:nobody", lifecycle="someday")
    text += "  dependsOn: [group:farming]\n"
    assert backstage_import([("a.yaml", text)], users) == [
        "a.yaml, document 1, line 3, metadata.name: ‘Alerts!’ is not a Backstage name: "
        "at most 63 letters and digits, separated by single - _ or .",
        "a.yaml, document 1, line 5, spec.owner: group:nobody is not in the import "
        "or the catalogue",
        "a.yaml, document 1, line 6, spec.lifecycle: ‘someday’ has no OSR phase "
        "(see docs/import.md)",
        "a.yaml, document 1, line 7, spec.dependsOn: group:farming is a group, "
        "which a service cannot depend on",
    ]


def test_backstage_dependency_on_an_invalid_service_reports_that_service(users):
    text = (
        SERVICE.format(name="alerts", owner="group:farming", lifecycle="alpha")
        + "  dependsOn: [component:maps, component:nowhere]\n---\n"
        + SERVICE.format(name="maps", owner="group:farming", lifecycle="someday")
    )
    assert backstage_import([("a.yaml", text)], users) == [
        "a.yaml, document 1, line 7, spec.dependsOn: component:nowhere is not in the import "
        "or the catalogue",
        "a.yaml, document 2, line 14, spec.lifecycle: ‘someday’ has no OSR phase "
        "(see docs/import.md)",
    ]
    assert not Dependency.objects.exists()


def test_backstage_team_without_a_group_still_has_its_fields_checked(users):
    text = "kind: Group\nmetadata: {name: lonely}\nspec: {type: team, profile: {email: nope}}\n"
    assert backstage_import([("a.yaml", text)], users) == [
        "a.yaml, document 1, line 1: cannot tell which delivery group team lonely is in",
        "a.yaml, document 1, line 1, Contact email: Enter a valid email address.",
    ]
    assert not Team.objects.filter(slug="lonely").exists()


def test_api_answers_every_problem_keyed_by_place(api, users):
    body = {"content": "slug,name,delivery_group,phase\nx,X,nowhere,someday\ny,Y,farming,alpha\n"}
    response = api("admin").post("/api/v1/import/csv", body | {"apply": True})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "Row 2": [
            "phase: ‘someday’ is not a phase: choose one of "
            "discovery, alpha, private_beta, public_beta, live, retired",
            "delivery_group: delivery group ‘nowhere’ does not exist",
        ]
    }
    assert not Service.objects.filter(slug="y").exists()


def test_api_says_how_many_problems_were_left_off(api, users):
    rows = "".join(f"s-{n},S,nowhere\n" for n in range(MAX_PROBLEMS + 5))
    content = "slug,name,delivery_group\n" + rows
    response = api("admin").post("/api/v1/import/csv", {"content": content})
    errors = response.json()["errors"]
    assert sum(len(messages) for key, messages in errors.items() if key != "__all__") == (
        MAX_PROBLEMS
    )
    assert errors["__all__"] == ["5 more problems are not shown: correct these and import again"]


def test_cli_lists_every_problem_and_fails(users, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text("slug,name,delivery_group,phase\nx,X,nowhere,alpha\ny,Y,farming,someday\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Import failed with 2 problems; nothing saved"):
        call_command("import", "csv", str(path), "--apply", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "Row 2, delivery_group: delivery group ‘nowhere’ does not exist",
        "Row 3, phase: ‘someday’ is not a phase: choose one of "
        "discovery, alpha, private_beta, public_beta, live, retired",
    ]


def test_page_shows_every_problem_in_the_summary_and_a_table_by_place(page, users):
    ServiceFactory(slug="maps", delivery_group=users.own)
    client = page("admin")
    shown = forms_of(client.get("/import").content.decode(), "/import")
    form = next(f for f in shown if "uploads" in f.names)
    upload = io.BytesIO(b"slug,name,delivery_group,phase\nx,X,nowhere,someday\ny,Y,farming,\n")
    upload.name = "catalogue.csv"
    data = {name: values[0] for name, values in form.as_post().items()}
    response = client.post(form.action, data | {"kind": "csv", "uploads": upload})
    assert response.status_code == 422
    html = response.content.decode()
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert summary.count("<li>") == 2 and 'href="#problem-2"' in summary
    table = html.split('id="problems"')[1].split("</table>")[0]
    assert '<td class="govuk-table__cell">delivery_group</td>' in table
    assert "delivery group ‘nowhere’ does not exist" in table and "Apply the import" not in html


def test_backstage_duplicates_are_reported_with_the_other_problems(users):
    other = "kind: Component\nmetadata: {title: somewhere}\n"
    reported = backstage_import(
        [("good.yaml", CATALOG), ("bad.yaml", CATALOG + "---\n" + other)], users
    )
    assert reported[0] == (
        "bad.yaml, document 1, line 4: floods is already described in good.yaml, document 1"
    )
    assert reported[-1].startswith("bad.yaml, document 9, line 90, metadata.name: every entity")
    assert len(reported) == 9
