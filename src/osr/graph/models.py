"""What the graph keeps in the database: the stamp of its version, and the entities of
imported catalogues with the objects they became."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from osr.core.compiled import OneBy


def new_stamp() -> uuid.UUID:
    return uuid.uuid4()


class GraphVersion(models.Model):
    """The version of the dependency graph, changed by every write that alters it.

    Each web process keeps the graph index in memory and compares its stamp with
    this row before answering, so every process sees a change on its next request.
    The stamp is random rather than a counter because a rolled-back transaction or
    a restored backup can bring a counter back to a value some process has already
    seen with other data. It is not audited: it records no decision, only freshness.
    """

    stamp = models.UUIDField(default=new_stamp)
    changed = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.stamp)

    @classmethod
    def current(cls) -> uuid.UUID | None:
        """The stamp now in force (one query), or None before the first write."""
        version = _CURRENT.get(1)
        return None if version is None else version.stamp

    @classmethod
    def bump(cls) -> None:
        """Give the graph a new stamp, inside the caller's transaction."""
        if not cls.objects.filter(pk=1).update(stamp=new_stamp()):
            cls.objects.get_or_create(pk=1)


# Read before every impact and incident answer: its SQL written once.
_CURRENT = OneBy(lambda: GraphVersion.objects.only("stamp"), "pk")


class ImportedEntity(models.Model):
    """The catalogue object an entity of an imported catalogue became.

    A Backstage entity is known by its reference (``component:payments/orders.api``),
    which need not be a valid slug and may name, in another namespace, an entity
    whose name is already taken. Remembering the reference lets a second import
    of the same files find the same objects, whatever slug each was given. It is
    not audited: the objects it points to are, and it records no decision.
    """

    ref = models.CharField(max_length=300, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    imported = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="graph_imported_object_idx")
        ]

    def __str__(self) -> str:
        return self.ref
