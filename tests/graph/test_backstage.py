"""Backstage import: kinds mapped, re-import updates, failures save nothing."""

import pytest

from osr.catalogue.models import (
    Component,
    DeliveryGroup,
    Dependency,
    ExternalSystem,
    Service,
    Team,
)
from osr.core.audit import acting_as
from osr.graph.backstage import import_backstage

pytestmark = pytest.mark.django_db

CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: floods
  title: Floods
spec:
  type: delivery-group
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: flood-team
  title: Flood team
spec:
  type: team
  parent: floods
  profile:
    email: flood@defra.example
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: warnings
  title: Flood warnings
  description: Warns people of floods
spec:
  owner: group:flood-team
  lifecycle: production
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: warnings-web
  title: Warnings web
spec:
  type: website
  owner: flood-team
  lifecycle: experimental
  system: warnings
  dependsOn:
    - component:warnings
    - resource:default/river-db
    - resource:os-maps
  consumesApi:
    - river-levels-api
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: river-db
spec:
  type: database
  owner: flood-team
  system: warnings
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: os-maps
  title: OS Maps
spec:
  type: saas
  owner: flood-team
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: river-levels-api
spec:
  type: openapi
  owner: flood-team
  lifecycle: production
  definition: "openapi: 3.0.0"
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: river-levels
  title: River levels
spec:
  type: service
  owner: flood-team
  lifecycle: production
  providesApis:
    - river-levels-api
"""


def rows(queryset, *fields):
    return sorted(
        tuple("" if v is None else v for v in row) for row in queryset.values_list(*fields)
    )


def snapshot():
    return {
        "groups": sorted(DeliveryGroup.objects.values_list("slug", flat=True)),
        "teams": rows(Team.objects, "slug", "delivery_group__slug", "contact_email"),
        "services": sorted(
            Service.objects.values_list(
                "slug", "name", "phase", "delivery_group__slug", "delivery_team__slug"
            )
        ),
        "components": sorted(Component.objects.values_list("service__slug", "name", "kind")),
        "externals": sorted(ExternalSystem.objects.values_list("slug", "name")),
        "dependencies": rows(
            Dependency.objects,
            "from_service__slug",
            "to_service__slug",
            "to_external__slug",
            "kind",
        ),
    }


def test_import_maps_every_kind(users):
    result = import_backstage([("catalog-info.yaml", CATALOG)], by=users.admin, apply=True)
    assert result.ok and result.applied, result.problems
    state = snapshot()
    assert "floods" in state["groups"]
    assert ("flood-team", "floods", "flood@defra.example") in state["teams"]
    assert state["services"] == [
        ("river-levels", "River levels", "live", "floods", "flood-team"),
        ("warnings", "Flood warnings", "live", "floods", "flood-team"),
        ("warnings-web", "Warnings web", "alpha", "floods", "flood-team"),
    ]
    assert state["components"] == [("warnings", "river-db", "database")]
    assert state["externals"] == [("os-maps", "OS Maps")]
    assert state["dependencies"] == [
        ("warnings-web", "", "os-maps", "runtime_api"),
        ("warnings-web", "river-levels", "", "runtime_api"),
        ("warnings-web", "warnings", "", "runtime_api"),
    ]


def test_reimport_updates_and_never_duplicates(users):
    import_backstage([("catalog-info.yaml", CATALOG)], by=users.admin, apply=True)
    first = snapshot()
    result = import_backstage([("catalog-info.yaml", CATALOG)], by=users.admin, apply=True)
    assert result.applied
    assert snapshot() == first
    assert {c.action for c in result.changes} == {"unchanged"}

    renamed = CATALOG.replace("title: Flood warnings", "title: Flood warning service")
    result = import_backstage([("catalog-info.yaml", renamed)], by=users.admin, apply=True)
    assert [str(c) for c in result.changes if c.action != "unchanged"] == [
        "update service warnings: Name: Flood warnings → Flood warning service"
    ]
    assert Service.objects.get(slug="warnings").name == "Flood warning service"
    assert Service.objects.count() == 3


def test_shared_resource_of_another_service_becomes_a_shared_component_dependency(users):
    text = CATALOG.replace("    - component:warnings\n", "")
    import_backstage([("catalog-info.yaml", text)], by=users.admin, apply=True)
    dependency = Dependency.objects.get(
        from_service__slug="warnings-web", to_service__slug="warnings"
    )
    assert dependency.kind == "shared_component"


def test_strict_import_reports_an_unknown_kind_with_file_and_line_and_saves_nothing(users):
    other = "kind: Template\nmetadata:\n  name: somewhere\n"
    bad = CATALOG + "---\n" + other
    result = import_backstage([("bad.yaml", bad)], by=users.admin, apply=True, strict=True)
    assert not result.applied
    assert [str(p) for p in result.problems] == [
        "bad.yaml, document 7, line 75, spec.definition: OSR does not keep this field",
        "bad.yaml, document 9, line 89, kind: OSR does not import Template",
    ]
    assert not Service.objects.exists() and not DeliveryGroup.objects.filter(slug="floods").exists()


def test_dangling_reference_is_reported_and_nothing_is_saved(users):
    bad = CATALOG.replace("resource:os-maps", "component:nowhere")
    result = import_backstage([("catalog-info.yaml", bad)], by=users.admin, apply=True)
    assert not result.applied
    assert [str(p) for p in result.problems] == [
        "catalog-info.yaml, document 4, line 45, spec.dependsOn: component:nowhere "
        "is not in the import or the catalogue"
    ]
    assert not Service.objects.exists() and not Team.objects.filter(slug="flood-team").exists()


def test_unknown_lifecycle_is_reported(users):
    bad = CATALOG.replace("lifecycle: experimental", "lifecycle: someday")
    result = import_backstage([("catalog-info.yaml", bad)], by=users.admin, apply=True)
    assert "document 4, line 40, spec.lifecycle: ‘someday’ has no OSR phase" in str(
        result.problems[0]
    )


def test_references_resolve_to_the_existing_catalogue(users):
    import_backstage([("catalog-info.yaml", CATALOG)], by=users.admin, apply=True)
    more = """\
kind: Component
metadata:
  name: alerts
spec:
  owner: group:flood-team
  lifecycle: alpha
  dependsOn: [component:warnings, resource:os-maps]
"""
    result = import_backstage([("more.yaml", more)], by=users.admin, apply=True)
    assert result.applied, result.problems
    assert rows(
        Dependency.objects.filter(from_service__slug="alerts"),
        "to_service__slug",
        "to_external__slug",
    ) == [("", "os-maps"), ("warnings", "")]


def test_preview_saves_nothing_and_lists_the_changes(users):
    result = import_backstage([("catalog-info.yaml", CATALOG)], by=users.admin, apply=False)
    assert result.ok and not result.applied
    assert not Service.objects.exists()
    assert result.counts()["create"] == 10
    assert "create service warnings" in [str(c) for c in result.changes]


def test_applied_import_is_audited_as_the_importer(users):
    from auditlog.models import LogEntry

    # Attributed where work enters OSR (here the test, as a request or a command would).
    with acting_as(users.admin):
        import_backstage([("catalog-info.yaml", CATALOG)], by=users.admin, apply=True)
    entry = LogEntry.objects.get_for_object(Service.objects.get(slug="warnings")).first()
    assert entry.actor == users.admin


def test_unreadable_yaml_is_reported_with_its_document(users):
    result = import_backstage(
        [("broken.yaml", CATALOG + "---\nkind: [unclosed\n")], by=users.admin, apply=True
    )
    assert result.problems[0].where == "broken.yaml, document 9"


def test_api_previews_and_applies(api, users):
    body = {"files": [{"name": "catalog-info.yaml", "content": CATALOG}]}
    response = api("admin").post("/api/v1/import/backstage", body)
    assert response.status_code == 200 and response.json()["applied"] is False
    assert not Service.objects.exists()
    response = api("admin").post("/api/v1/import/backstage", body | {"apply": True})
    assert response.json()["applied"] is True and Service.objects.count() == 3


def test_api_import_errors_are_field_errors_by_document(api, users):
    body = {"files": [{"name": "a.yaml", "content": "kind: Component\nmetadata: {title: x}\n"}]}
    response = api("admin").post("/api/v1/import/backstage", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["a.yaml, document 1"]


def test_only_administrators_import(api, users):
    body = {"files": [{"name": "catalog-info.yaml", "content": CATALOG}], "apply": True}
    assert api("osr_manager").post("/api/v1/import/backstage", body).status_code == 403
    assert not Service.objects.exists()
