"""The entities of a Backstage import indexed by reference, and what each reference
names in OSR once written: a delivery group, team, person, service, component of
a service, or external system, whether it is in the import or already in the
catalogue. The whole catalogue is loaded once, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from osr.catalogue.models import Component, DeliveryGroup, ExternalSystem, Person, Service, Team

from .backstage_names import Names, plain_slug
from .backstage_parse import DEFAULT_NAMESPACE, Entity, Ref, parse_ref
from .importing import Writer

DELIVERY_GROUP, TEAM, CONTAINER = "delivery group", "team", "container"
SERVICE_KINDS = {"component": "system", "system": "component"}


@dataclass(frozen=True)
class Target:
    """What a reference names: ``what`` is group, team, container, person, service,
    component (``slug`` its service's), external, domain or location."""

    what: str
    slug: str = ""
    entity: Entity | None = None


def _types(name: str) -> set[str]:
    return {value.lower().replace("_", "-") for value in getattr(settings, name)}


class Plan:
    """The import's entities by reference, the catalogue as it is, and the slug of each."""

    def __init__(self, entities: list[Entity], writer: Writer):
        self.writer = writer
        self.names = Names()
        self.entities: dict[Ref, Entity] = {}
        for entity in entities:
            first = self.entities.get(entity.ref)
            if first is not None:
                writer.problem(
                    entity.where,
                    f"{entity.name} is already described in {first.where}",
                    line=entity.line_of("metadata", "name"),
                )
                continue
            self.entities[entity.ref] = entity
        self.delivery_group_types = _types("OSR_BACKSTAGE_DELIVERY_GROUP_TYPES")
        self.container_types = _types("OSR_BACKSTAGE_CONTAINER_GROUP_TYPES")
        self.providers: dict[Ref, Entity] = {}
        for entity in self.of_kind("Component"):
            for _text, ref, _line in entity.refs("providesApis", "api"):
                if ref is not None:
                    self.providers.setdefault(ref, entity)
        self.parents: dict[Ref, Ref] = {}  # group → parent group, from parent or children
        for entity in self.of_kind("Group"):
            for _text, ref, _line in entity.refs("children", "group"):
                if ref is not None:
                    self.parents.setdefault(ref, entity.ref)
            for _text, ref, _line in entity.refs("parent", "group"):
                if ref is not None:
                    self.parents[entity.ref] = ref
        self._load_catalogue()

    def _load_catalogue(self) -> None:
        self.delivery_groups = {
            g.slug: g for g in DeliveryGroup.objects.prefetch_related("members")
        }
        self.teams = {
            t.slug: t
            for t in Team.objects.select_related("delivery_group").prefetch_related("members")
        }
        self.services = {
            s.slug: s
            for s in Service.objects.select_related(
                "delivery_group", "delivery_team", "service_owner", "product_manager", "data_owner"
            )
        }
        self.externals = {e.slug: e for e in ExternalSystem.objects.all()}
        self.people = {p.pk: p for p in Person.objects.all()}
        self.components = {c.pk: c for c in Component.objects.select_related("service", "supplier")}
        self._by_pk: dict[int, dict] = {}
        self.group_slugs: dict = {}
        self.team_slugs: dict = {}
        self.service_slugs: dict = {}
        self.external_slugs: dict = {}
        names = self.names
        groups = [e for e in self.of_kind("Group") if self.group_role(e) == DELIVERY_GROUP]
        teams = [e for e in self.of_kind("Group") if self.group_role(e) == TEAM]
        self.group_slugs = names.slugs(DeliveryGroup, [e.ref for e in groups], self.delivery_groups)
        self.team_slugs = names.slugs(Team, [e.ref for e in teams], self.teams)
        services = [e for e in self.entities.values() if self.is_service(e)]
        self.service_slugs = names.slugs(Service, [e.ref for e in services], self.services)
        externals = [e for e in self.entities.values() if self.is_external(e)]
        self.external_slugs = names.slugs(
            ExternalSystem, [e.ref for e in externals], self.externals
        )

    def of_kind(self, *kinds: str) -> list[Entity]:
        return [entity for entity in self.entities.values() if entity.kind in kinds]

    def group_role(self, entity: Entity) -> str:
        kind = str(entity.spec.get("type") or "").lower().replace("_", "-")
        if kind in self.delivery_group_types:
            return DELIVERY_GROUP
        return CONTAINER if kind in self.container_types else TEAM

    def is_service(self, entity: Entity) -> bool:
        if entity.kind == "System":
            return True
        return entity.kind == "Component" and not entity.spec.get("subcomponentOf")

    def is_external(self, entity: Entity) -> bool:
        if entity.kind == "Resource":
            return self.owning_service(entity) is None
        if entity.kind == "API":
            return entity.ref not in self.providers and self.owning_service(entity) is None
        return False

    def owning_service(self, entity: Entity) -> str | None:
        """The slug of the service a resource, API or subcomponent is part of."""
        return self.owning_service_within(entity, frozenset({entity.ref}))

    def resolve(self, ref: Ref | None, seen: frozenset[Ref] = frozenset()) -> Target | None:
        """What a reference names, in the import or the catalogue, or None."""
        if ref is None or ref in seen:
            return None
        entity = self.entities.get(ref)
        if entity is None and ref.kind in SERVICE_KINDS:
            # Both kinds are services in OSR, so either spelling finds the other.
            entity = self.entities.get(Ref(SERVICE_KINDS[ref.kind], ref.namespace, ref.name))
        if entity is not None:
            return self._imported(entity, seen | {ref})
        return self._catalogued(ref)

    def _imported(self, entity: Entity, seen: frozenset[Ref]) -> Target | None:
        ref = entity.ref
        if entity.kind == "Group":
            role = self.group_role(entity)
            if role == DELIVERY_GROUP:
                return Target("group", self.group_slugs[ref][0], entity)
            if role == TEAM:
                return Target("team", self.team_slugs[ref][0], entity)
            return Target("container", "", entity)
        if entity.kind == "User":
            return Target("person", "", entity)
        if ref in self.service_slugs:
            return Target("service", self.service_slugs[ref][0], entity)
        if ref in self.external_slugs:
            return Target("external", self.external_slugs[ref][0], entity)
        if entity.kind == "API" and ref in self.providers:
            return self.resolve(self.providers[ref].ref, seen)
        if entity.kind in ("Component", "Resource", "API"):
            owner = self.owning_service_within(entity, seen)
            if owner:
                return Target("service" if entity.kind == "API" else "component", owner, entity)
        return Target(entity.kind.lower(), "", entity)

    def owning_service_within(self, entity: Entity, seen: frozenset[Ref]) -> str | None:
        named = entity.annotation("service")
        if named:
            imported = {slug for slug, _obj in self.service_slugs.values()}
            return named if named in self.services or named in imported else None
        field, kind = (
            ("subcomponentOf", "component")
            if entity.kind == "Component"
            else (
                "system",
                "system",
            )
        )
        for _text, ref, _line in entity.refs(field, kind):
            target = self.resolve(ref, seen)
            if target is not None and target.what in ("service", "component"):
                return target.slug
        return None

    def _catalogued(self, ref: Ref) -> Target | None:
        """A reference to something not in the import: remembered, or found by slug."""
        tables = {
            "group": (("group", DeliveryGroup, self.delivery_groups), ("team", Team, self.teams)),
            "component": (("service", Service, self.services),),
            "system": (("service", Service, self.services),),
            "resource": (("external", ExternalSystem, self.externals),),
            "api": (
                ("external", ExternalSystem, self.externals),
                ("service", Service, self.services),
            ),
        }
        spellings = [ref]
        if ref.kind in SERVICE_KINDS:
            spellings.append(Ref(SERVICE_KINDS[ref.kind], ref.namespace, ref.name))
        for what, model, table in tables.get(ref.kind, ()):
            for spelling in spellings:
                pk = self.names.remembered_pk(spelling, model)
                if pk is not None and pk in self.by_pk(table):
                    return Target(what, self.by_pk(table)[pk].slug)
            slug = plain_slug(ref)
            if slug in table and not any(
                self.names.claimed_by_other(spelling, model, table[slug].pk)
                for spelling in spellings
            ):
                return Target(what, slug)
        if ref.kind == "user" and self.names.remembered_pk(ref, Person) in self.people:
            return Target("person")
        return None

    def by_pk(self, table: dict) -> dict:
        key = id(table)
        if key not in self._by_pk:
            self._by_pk[key] = {obj.pk: obj for obj in table.values()}
        return self._by_pk[key]

    def ref(self, text: str, default_kind: str, entity: Entity) -> Ref | None:
        return parse_ref(text, default_kind=default_kind, default_namespace=entity.namespace)


def namespaced(entity: Entity) -> str:
    """The entity's name, with its namespace outside ``default``."""
    if entity.namespace == DEFAULT_NAMESPACE:
        return entity.name
    return f"{entity.namespace}/{entity.name}"
