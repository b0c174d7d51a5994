"""Import Backstage catalog descriptor files (``catalog-info.yaml``) into the catalogue.

Kinds and what they become (docs/import.md has the full table):
Group (``spec.type: delivery-group``) → delivery group; any other Group → team;
Component and System → service; Resource → a component of the service named by
``spec.system`` (or the ``osr.defra.gov.uk/service`` annotation), otherwise an
external system; API → the service that provides it, otherwise an external
system. ``dependsOn`` and ``consumesApi`` become dependencies. Entities are
matched on ``metadata.name``, so importing again updates and never duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from osr.catalogue.choices import ComponentKind, DependencyKind, Hosting
from osr.catalogue.forms import (
    ComponentForm,
    DeliveryGroupForm,
    ExternalSystemForm,
    ServiceForm,
    TeamForm,
)
from osr.catalogue.models import Component, DeliveryGroup, ExternalSystem, Service, Team

from .backstage_parse import LIFECYCLE_PHASES, RESOURCE_KINDS, Entity, parse, parse_ref
from .importing import ImportResult, Writer, existing_dependencies, run


class Plan:
    """The entities of an import, indexed so that references resolve to them."""

    def __init__(self, entities: list[Entity], writer: Writer):
        self.writer = writer
        self.groups: dict[str, Entity] = {}
        self.services: dict[str, Entity] = {}
        self.resources: dict[str, Entity] = {}
        self.apis: dict[str, Entity] = {}
        self.providers: dict[str, str] = {}  # API name → providing service slug
        for entity in entities:
            table = {
                "Group": self.groups,
                "Component": self.services,
                "System": self.services,
                "Resource": self.resources,
                "API": self.apis,
            }[entity.kind]
            if entity.name in table:
                first = table[entity.name]
                writer.problem(entity.where, f"{entity.name} is already described in {first.where}")
                continue
            table[entity.name] = entity
        for entity in self.services.values():
            for ref in entity.refs("providesApis"):
                self.providers[parse_ref(ref, "api")[1]] = entity.name
        self.delivery_groups = {g.slug: g for g in DeliveryGroup.objects.all()}
        self.teams = {t.slug: t for t in Team.objects.select_related("delivery_group")}
        self.existing_services = {s.slug: s for s in Service.objects.all()}
        self.externals = {e.slug: e for e in ExternalSystem.objects.all()}

    # What a reference names, once written: ("group"|"team"|"service"|"external"|"component", slug)
    def resolve(self, ref: str, default_kind: str) -> tuple[str, str] | None:
        kind, name = parse_ref(ref, default_kind)
        if kind == "group":
            entity = self.groups.get(name)
            if entity is not None:
                return ("group" if _is_delivery_group(entity) else "team"), name
            if name in self.teams:
                return "team", name
            if name in self.delivery_groups:
                return "group", name
        elif kind in ("component", "system"):
            if name in self.services or name in self.existing_services:
                return "service", name
        elif kind == "resource":
            entity = self.resources.get(name)
            if entity is not None:
                owner = self.resource_service(entity)
                return ("component", owner) if owner else ("external", name)
            if name in self.externals:
                return "external", name
        elif kind == "api":
            if name in self.providers:
                return "service", self.providers[name]
            entity = self.apis.get(name)
            if entity is not None:
                owner = self.api_service(entity)
                return ("service", owner) if owner else ("external", name)
            if name in self.externals:
                return "external", name
            if name in self.existing_services:
                return "service", name
        return None

    def resource_service(self, entity: Entity) -> str | None:
        owner = (
            entity.annotation("service")
            or parse_ref(str(entity.spec.get("system", "")), "system")[1]
        )
        if owner and (owner in self.services or owner in self.existing_services):
            return owner
        return None

    def api_service(self, entity: Entity) -> str | None:
        owner = parse_ref(str(entity.spec.get("system", "")), "system")[1]
        if owner and (owner in self.services or owner in self.existing_services):
            return owner
        return None


def _is_delivery_group(entity: Entity) -> bool:
    return str(entity.spec.get("type", "")).lower() in ("delivery-group", "delivery_group")


def _group_of(plan: Plan, entity: Entity, seen: frozenset[str] = frozenset()) -> str | None:
    """The delivery group a team or service belongs to, by annotation, parent or owner."""
    if entity.annotation("delivery-group"):
        return entity.annotation("delivery-group")
    field = "parent" if entity.kind == "Group" else "owner"
    ref = entity.spec.get(field)
    if not ref or entity.name in seen:
        return None
    resolved = plan.resolve(str(ref), "group")
    if resolved is None:
        return None
    kind, name = resolved
    if kind == "group":
        return name
    if name in plan.groups:
        return _group_of(plan, plan.groups[name], seen | {entity.name})
    return plan.teams[name].delivery_group.slug


def _write(plan: Plan, writer: Writer) -> None:
    services: dict[str, Service] = {}
    for entity in plan.groups.values():
        if not _is_delivery_group(entity):
            continue
        writer.upsert(
            DeliveryGroupForm,
            plan.delivery_groups.get(entity.name),
            {
                "name": entity.title,
                "slug": entity.name,
                "description": entity.metadata.get("description", ""),
            },
            kind="delivery group",
            key=entity.name,
            where=entity.where,
        )
    for entity in plan.groups.values():
        if _is_delivery_group(entity):
            continue
        existing = plan.teams.get(entity.name)
        group = _group_of(plan, entity) or (existing.delivery_group.slug if existing else None)
        if group is None:
            writer.problem(
                entity.where, f"cannot tell which delivery group team {entity.name} is in"
            )
            continue
        profile = entity.spec.get("profile") or {}
        values = {
            "name": profile.get("displayName") or entity.title,
            "slug": entity.name,
            "delivery_group": group,
        }
        if profile.get("email"):
            values["contact_email"] = profile["email"]
        writer.upsert(TeamForm, existing, values, kind="team", key=entity.name, where=entity.where)

    for entity in plan.services.values():
        services_entity = _service(plan, writer, entity)
        if services_entity is not None:
            services[entity.name] = services_entity
    services = {**{s: plan.existing_services[s] for s in plan.existing_services}, **services}

    for entity in plan.resources.values():
        owner = plan.resource_service(entity)
        if owner is None:
            _external(writer, plan, entity)
        elif owner in services:
            _component(writer, entity, services[owner])
    for entity in plan.apis.values():
        if entity.name not in plan.providers and plan.api_service(entity) is None:
            _external(writer, plan, entity)

    externals = {e.slug: e for e in ExternalSystem.objects.all()}
    recorded = existing_dependencies()
    for entity in plan.services.values():
        source = services.get(entity.name)
        for field, default_kind in (("dependsOn", "component"), ("consumesApi", "api")):
            for ref in entity.refs(field):
                _dependency(
                    writer, plan, entity, ref, default_kind, source, services, externals, recorded
                )


def _service(plan: Plan, writer: Writer, entity: Entity) -> Service | None:
    existing = plan.existing_services.get(entity.name)
    values: dict[str, Any] = {"name": entity.title, "slug": entity.name}
    if entity.metadata.get("description"):
        values["description"] = entity.metadata["description"]
    owner = entity.spec.get("owner")
    if owner:
        resolved = plan.resolve(str(owner), "group")
        if resolved is None:
            writer.problem(
                entity.where,
                f"spec.owner refers to {owner}, which is not in the import or the catalogue",
            )
            return None
        if resolved[0] == "team":
            values["delivery_team"] = resolved[1]
    group = _group_of(plan, entity) or (existing.delivery_group.slug if existing else None)
    if group is None:
        writer.problem(
            entity.where, f"cannot tell which delivery group {entity.name} is in: give spec.owner"
        )
        return None
    values["delivery_group"] = group
    if entity.annotation("support-contact-email"):
        values["support_contact_email"] = entity.annotation("support-contact-email")
    lifecycle = str(entity.spec.get("lifecycle", "") or "").lower()
    phase = LIFECYCLE_PHASES.get(lifecycle) if lifecycle else None
    if lifecycle and phase is None:
        writer.problem(
            entity.where, f"spec.lifecycle ‘{lifecycle}’ has no OSR phase (see docs/import.md)"
        )
        return None

    def registered_in(service) -> None:
        if phase is not None:
            service.phase = phase

    saved = writer.upsert(
        ServiceForm,
        existing,
        values,
        kind="service",
        key=entity.name,
        where=entity.where,
        prepare=registered_in if existing is None else None,
    )
    if saved is not None and existing is not None and phase is not None:
        writer.move(saved, phase, where=entity.where)  # type: ignore[arg-type]
    return saved  # type: ignore[return-value]


def _external(writer: Writer, plan: Plan, entity: Entity) -> None:
    links = entity.metadata.get("links") or []
    values = {"name": entity.title, "slug": entity.name}
    if entity.metadata.get("description"):
        values["description"] = entity.metadata["description"]
    if links and isinstance(links[0], dict) and links[0].get("url"):
        values["url"] = links[0]["url"]
    writer.upsert(
        ExternalSystemForm,
        plan.externals.get(entity.name),
        values,
        kind="external system",
        key=entity.name,
        where=entity.where,
    )


def _component(writer: Writer, entity: Entity, service: Service) -> None:
    existing = Component.objects.filter(service=service, name=entity.name).first()
    values = {
        "service": service.slug,
        "name": entity.name,
        "kind": RESOURCE_KINDS.get(str(entity.spec.get("type", "")).lower(), ComponentKind.OTHER),
        "hosting": entity.annotation("hosting")
        or (existing.hosting if existing else Hosting.OTHER),
    }
    writer.upsert(
        ComponentForm,
        existing,
        values,
        kind="component",
        key=f"{service.slug}/{entity.name}",
        where=entity.where,
    )


def _dependency(
    writer, plan, entity, ref, default_kind, source, services, externals, existing
) -> None:
    resolved = plan.resolve(ref, default_kind)
    if resolved is None:
        writer.problem(entity.where, f"{ref} is not in the import or the catalogue")
        return
    if source is None:
        return
    kind, name = resolved
    if kind == "external":
        target = externals.get(name)
        if target is not None:
            writer.depend(
                source, target, DependencyKind.RUNTIME_API, where=entity.where, existing=existing
            )
        return
    if kind not in ("service", "component") or name == source.slug or name not in services:
        if kind not in ("service", "component"):
            writer.problem(entity.where, f"{ref} is a {kind}, which a service cannot depend on")
        return
    dependency_kind = (
        DependencyKind.SHARED_COMPONENT if kind == "component" else DependencyKind.RUNTIME_API
    )
    writer.depend(source, services[name], dependency_kind, where=entity.where, existing=existing)


def import_backstage(files: Iterable[tuple[str, str]], *, by, apply: bool) -> ImportResult:
    """Import descriptor files as one transaction, or preview them (``apply=False``)."""
    entities, unreadable = parse(list(files))

    def work(writer: Writer) -> None:
        for where, message in unreadable:
            writer.problem(where, message)
        if unreadable:
            return
        _write(Plan(entities, writer), writer)

    return run(work, by=by, apply=apply)
