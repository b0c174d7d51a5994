"""Import a Backstage catalogue, as organisations publish it, into the catalogue.

Kinds and what they become (docs/import.md has the full tables): Group → delivery
group, team or nothing (an organisation) by its ``spec.type``; User → person;
Component and System → service, a Component that is ``subcomponentOf`` another
→ a component of its service; Resource → a component of the service it is part
of, otherwise an external system; API → the service that provides it, otherwise
an external system. ``dependsOn``, ``dependencyOf`` and ``consumesApis`` become
dependencies. Locations are followed; other kinds are read, skipped and listed.
Entities are matched on their reference, so importing again changes nothing.
Every document is checked, even after one has failed, and a problem that comes
only from a reference to a failed document is left to that document's own problem.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from osr.catalogue.choices import ComponentKind, DependencyKind, Hosting
from osr.catalogue.forms import ComponentForm, ExternalSystemForm, ServiceForm
from osr.catalogue.models import Component, ExternalSystem, Service

from .backstage_api import read_catalogue_api
from .backstage_links import service_links, unkept_links
from .backstage_locations import Catalogue, Directory, Files, UploadedFiles, read_catalogue
from .backstage_org import Organisation, delivery_group_of
from .backstage_parse import LIFECYCLE_PHASES, RESOURCE_KINDS, Entity
from .backstage_plan import Plan
from .importing import ImportResult, Writer, existing_dependencies, run

# (field, default kind, reversed): what a service needs; dependencyOf names who needs it.
RELATIONS = (
    ("dependsOn", "component", False),
    ("consumesApis", "api", False),
    ("consumesApi", "api", False),  # the spelling OSR once documented
    ("dependencyOf", "component", True),
)


class _Import:
    def __init__(self, plan: Plan, writer: Writer):
        self.plan, self.writer = plan, writer
        self.organisation = Organisation(plan, writer)
        self.written: dict[str, Service] = dict(plan.services)  # by slug, after writing
        self.failed: set[str] = set()  # services of the import that failed
        self.components = {(c.service_id, c.name): c for c in plan.components.values()}
        self.not_kept: Counter[str] = Counter()

    def write(self) -> None:
        plan = self.plan
        self.organisation.write()
        # Each kind is written (flushed) before the kinds that refer to it are checked.
        for entity in plan.entities.values():
            if plan.is_service(entity):
                self.service(entity)
        self.writer.flush()
        for entity in plan.of_kind("Component", "Resource"):
            if not plan.is_service(entity) and not plan.is_external(entity):
                self.component(entity)
        for entity in plan.entities.values():
            if plan.is_external(entity):
                self.external(entity)
        self.writer.flush()
        recorded = existing_dependencies()
        for entity in plan.entities.values():
            for field, default_kind, reverse in RELATIONS:
                for text, ref, line in entity.refs(field, default_kind):
                    self.dependency(entity, field, text, ref, line, reverse, recorded)
        # The dependencies are written last, by ``run``; the names need only the
        # objects written before them, and only when the import is kept.
        if self.writer.apply:
            plan.names.save()

    def service(self, entity: Entity) -> None:
        plan, writer = self.plan, self.writer
        slug, existing = plan.service_slugs[entity.ref]
        values: dict[str, Any] = {"name": entity.title, "slug": slug}
        if entity.metadata.get("description"):
            values["description"] = entity.metadata["description"]
        owner_line = entity.line_of("spec", "owner")
        unknown_owner = False
        for text, ref, _line in entity.refs("owner", "group"):
            target = plan.resolve(ref)
            if target is None:
                unknown_owner = True
                writer.problem(
                    entity.where,
                    f"{text} is not in the import or the catalogue",
                    field="spec.owner",
                    line=owner_line,
                )
            elif target.what == "team":
                values["delivery_team"] = target.slug
            elif target.what == "person" and target.entity is not None:
                if target.entity.ref not in self.organisation.people:
                    continue
                values["service_owner"] = self.organisation.people[target.entity.ref].pk
        group = delivery_group_of(plan, entity) or (
            existing.delivery_group.slug if isinstance(existing, Service) else None
        )
        if group is not None:
            values["delivery_group"] = group
        unwritten = self.organisation.unwritten
        excused = {
            name for name in ("delivery_group", "delivery_team") if values.get(name) in unwritten
        }
        if group is None:
            excused.add("delivery_group")
            if not unknown_owner:
                writer.problem(
                    entity.where,
                    f"cannot tell which delivery group {entity.name} is in: give spec.owner",
                    line=owner_line,
                )
        if entity.annotation("support-contact-email"):
            values["support_contact_email"] = entity.annotation("support-contact-email")
        values |= service_links(entity, existing)
        if unkept_links(entity):
            self.not_kept["metadata.links of no kind a service keeps"] += unkept_links(entity)
        phase = self.phase(entity)

        def registered_in(service) -> None:
            if phase is not None:
                service.phase = phase

        saved = writer.upsert(
            ServiceForm,
            existing,
            values,
            kind="service",
            key=slug,
            where=entity.where,
            prepare=registered_in if existing is None else None,
            excused=excused,
            line=entity.line,
        )
        if saved is None:
            self.failed.add(slug)
            return
        if existing is not None and phase is not None:
            writer.move(saved, phase, where=entity.where)  # type: ignore[arg-type]
        self.written[slug] = saved  # type: ignore[assignment]
        plan.names.remember(entity.ref, saved)

    def phase(self, entity: Entity) -> str | None:
        lifecycle = entity.spec.get("lifecycle")
        if not isinstance(lifecycle, str) or not lifecycle:
            return None
        phase = LIFECYCLE_PHASES.get(lifecycle.lower())
        if phase is None:
            self.writer.problem(
                entity.where,
                f"‘{lifecycle.lower()}’ has no OSR phase (see docs/import.md)",
                field="spec.lifecycle",
                line=entity.line_of("spec", "lifecycle"),
            )
        return phase

    def component(self, entity: Entity) -> None:
        """A component of its service, or only checked when that service failed."""
        owner = self.plan.owning_service(entity)
        if owner is None:
            return
        service = self.written.get(owner)
        pk = self.plan.names.remembered_pk(entity.ref, Component)
        existing = self.plan.components.get(pk) if pk is not None else None
        if existing is None and service is not None:
            existing = self.components.get((service.pk, entity.name))
        kind = str(entity.spec.get("type") or "").lower()
        values = {
            "service": owner,
            "name": entity.name,
            "kind": RESOURCE_KINDS.get(kind, existing.kind if existing else ComponentKind.OTHER),
            "hosting": entity.annotation("hosting")
            or (existing.hosting if existing else Hosting.OTHER),
        }
        saved = self.writer.upsert(
            ComponentForm,
            existing,
            values,
            kind="component",
            key=f"{owner}/{entity.name}",
            where=entity.where,
            excused=("service",) if service is None else (),
            line=entity.line,
        )
        if saved is not None:
            self.plan.names.remember(entity.ref, saved)

    def external(self, entity: Entity) -> None:
        plan = self.plan
        slug, existing = plan.external_slugs[entity.ref]
        by_name = {e.name: e for e in plan.externals.values()}
        title = self.organisation.unique_name(entity, entity.title, existing, by_name)
        values = {"name": title, "slug": slug}
        if entity.metadata.get("description"):
            values["description"] = entity.metadata["description"]
        links = entity.metadata.get("links") or []
        if links and isinstance(links[0], dict) and isinstance(links[0].get("url"), str):
            values["url"] = links[0]["url"]
        saved = self.writer.upsert(
            ExternalSystemForm,
            existing,
            values,
            kind="external system",
            key=slug,
            where=entity.where,
            line=entity.line,
        )
        if saved is not None:
            plan.externals[slug] = saved  # type: ignore[assignment]
            plan.names.remember(entity.ref, saved)

    def dependency(self, entity, field, text, ref, line, reverse, recorded) -> None:
        """Check one reference of ``spec.<field>``; record it when both ends were written."""
        plan, writer, named = self.plan, self.writer, f"spec.{field}"
        here = plan.resolve(entity.ref)
        target = plan.resolve(ref)
        if target is None:
            writer.problem(
                entity.where,
                f"{text} is not in the import or the catalogue",
                field=named,
                line=line,
            )
            return
        source, needed = (target, here) if reverse else (here, target)
        if source is None or needed is None:
            return
        if needed.what not in ("service", "component", "external"):
            writer.problem(
                entity.where,
                f"{text} is a {needed.what}, which a service cannot depend on",
                field=named,
                line=line,
            )
            return
        if source.what not in ("service", "component"):
            self.not_kept[f"spec.{field} of a {source.what}"] += 1  # only services depend
            return
        from_service = self.written.get(source.slug)
        if from_service is None or needed.slug == source.slug:
            return
        to: Service | ExternalSystem | None
        if needed.what == "external":
            to = plan.externals.get(needed.slug)
            kind = DependencyKind.RUNTIME_API
        else:
            to = self.written.get(needed.slug)
            kind = (
                DependencyKind.SHARED_COMPONENT
                if needed.what == "component"
                else DependencyKind.RUNTIME_API
            )
        if to is not None:
            writer.depend(from_service, to, kind, where=entity.where, existing=recorded)


def _import(catalogue: Catalogue, *, by, apply: bool) -> ImportResult:
    relations_not_kept: Counter[str] = Counter()

    def work(writer: Writer) -> None:
        for where, line, field, message in catalogue.problems:
            writer.problem(where, message, field=field, line=line)
        importing = _Import(Plan(catalogue.entities, writer), writer)
        importing.write()
        relations_not_kept.update(importing.not_kept)

    result = run(work, by=by, apply=apply, places=catalogue.places)
    result.read = dict(sorted(catalogue.read.items()))
    result.not_kept = catalogue.not_kept() + [
        f"{what}: {count} (not kept)" for what, count in sorted(relations_not_kept.items())
    ]
    return result


def import_backstage(
    files: list[tuple[str, str]], *, by, apply: bool, strict: bool = False
) -> ImportResult:
    """Import descriptor files given by name and text (uploaded), as one transaction,
    or preview them (``apply=False``). A Location may name other files by name."""
    return _import(read_catalogue([UploadedFiles(files)], strict=strict), by=by, apply=apply)


def import_backstage_api(
    base_url: str, token: str | None, *, by, apply: bool, strict: bool = False, transport=None
) -> ImportResult:
    """Import what a running Backstage's catalogue serves, as files are imported."""
    catalogue, locations = read_catalogue_api(base_url, token, strict=strict, transport=transport)
    result = _import(catalogue, by=by, apply=apply)
    if locations:
        result.not_kept.append(
            f"Location: {locations} {'entity' if locations == 1 else 'entities'} "
            "(not followed: the catalogue serves what they name)"
        )
    return result


def import_backstage_paths(
    paths: list[str], *, by, apply: bool, strict: bool = False
) -> ImportResult:
    """Import descriptor files and directories on disk, following their Locations."""
    sources: list[Files] = [Directory(path) for path in paths]
    return _import(read_catalogue(sources, strict=strict), by=by, apply=apply)
