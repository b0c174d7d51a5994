"""Which catalogue object each Backstage entity is: the one an earlier import made of
it, else the one with its slug, else a new one with a slug made from its name.

A slug is the name in lower case with every run of other characters (dots,
underscores) made one hyphen, prefixed by the namespace outside ``default``
(``payments/Orders.API`` → ``payments-orders-api``). Where that slug is too long,
or is already another entity's, a short hash of the entity's reference is added,
so the same files always give the same slugs. References are remembered
(``ImportedEntity``), so a second import finds the same objects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from .backstage_parse import DEFAULT_NAMESPACE, Ref
from .models import ImportedEntity

SLUG_LENGTH = 100  # the catalogue's slug fields
HASH_LENGTH = 8


def plain_slug(ref: Ref) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", ref.name.lower()).strip("-") or "entity"
    if ref.namespace != DEFAULT_NAMESPACE:
        slug = f"{re.sub(r'[^a-z0-9]+', '-', ref.namespace)}-{slug}"
    return slug


def hashed_slug(ref: Ref) -> str:
    digest = hashlib.sha256(str(ref).encode()).hexdigest()[:HASH_LENGTH]
    return f"{plain_slug(ref)[: SLUG_LENGTH - HASH_LENGTH - 1].rstrip('-')}-{digest}"


class Names:
    """The references earlier imports remembered, and those this import makes."""

    def __init__(self) -> None:
        self.remembered: dict[str, tuple[int, int]] = {
            ref: (type_id, pk)
            for ref, type_id, pk in ImportedEntity.objects.values_list(
                "ref", "content_type_id", "object_id"
            )
        }
        self.owners = {target: ref for ref, target in self.remembered.items()}
        self.made: dict[str, Model] = {}  # read at ``save``: a new object has no key yet

    @staticmethod
    def type_id(model: type[Model]) -> int:
        return ContentType.objects.get_for_model(model).pk

    def remembered_pk(self, ref: Ref, model: type[Model]) -> int | None:
        found = self.remembered.get(str(ref))
        return found[1] if found and found[0] == self.type_id(model) else None

    def claimed_by_other(self, ref: Ref, model: type[Model], pk: int) -> bool:
        owner = self.owners.get((self.type_id(model), pk))
        return owner is not None and owner != str(ref)

    def slugs(
        self, model: type[Model], refs: Iterable[Ref], existing: Mapping[str, Model]
    ) -> dict[Ref, tuple[str, Model | None]]:
        """Each reference's slug, and the object it already is (or None for a new one)."""
        by_pk = {obj.pk: obj for obj in existing.values()}
        chosen: dict[Ref, tuple[str, Model | None]] = {}
        used: set[str] = set()
        waiting = []
        for ref in refs:
            pk = self.remembered_pk(ref, model)
            if pk in by_pk:
                obj = by_pk[pk]
                chosen[ref] = (obj.slug, obj)  # type: ignore[attr-defined]
                used.add(obj.slug)  # type: ignore[attr-defined]
            else:
                waiting.append(ref)
        # Names that are slugs already come first, so they keep their own slug.
        waiting.sort(key=lambda ref: (plain_slug(ref) != ref.name, str(ref)))
        for ref in waiting:
            slug = plain_slug(ref)
            found = existing.get(slug)
            taken = slug in used or (
                found is not None and self.claimed_by_other(ref, model, found.pk)
            )
            if taken or len(slug) > SLUG_LENGTH:
                slug = hashed_slug(ref)
                found = existing.get(slug)
            chosen[ref] = (slug, found)
            used.add(slug)
        return chosen

    def remember(self, ref: Ref, obj: Model) -> None:
        self.made[str(ref)] = obj

    def save(self) -> None:
        """Write the references this import made or moved (none on a repeat import)."""
        targets = {ref: (self.type_id(type(obj)), obj.pk) for ref, obj in self.made.items()}
        changed = {
            ref: target for ref, target in targets.items() if self.remembered.get(ref) != target
        }
        if not changed:
            return
        ImportedEntity.objects.bulk_create(
            [
                ImportedEntity(ref=ref, content_type_id=type_id, object_id=pk)
                for ref, (type_id, pk) in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["ref"],
            update_fields=["content_type", "object_id", "imported"],
        )
