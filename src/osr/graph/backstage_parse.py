"""Backstage entities as descriptor files give them: the envelope every entity has
(kind, metadata.name, metadata.namespace), entity references, and the tables that
map Backstage's values to OSR's (docs/import.md shows them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from osr.catalogue.choices import ComponentKind, Phase

from .backstage_yaml import Document, Path

ANNOTATION = "osr.defra.gov.uk/"
DEFAULT_NAMESPACE = "default"

# Kinds OSR turns into catalogue objects, and the kinds it reads to place them.
MODELLED = ("Group", "User", "Component", "System", "Resource", "API")
READ = ("Location", "Domain")  # followed (Location) or used to place systems (Domain)

# Backstage's own rules for names and namespaces (catalog-model's validators).
NAME = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
NAMESPACE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME = 63

# spec.lifecycle → OSR phase. Backstage's own three values first, then OSR's names.
LIFECYCLE_PHASES = {
    "experimental": Phase.ALPHA,
    "production": Phase.LIVE,
    "deprecated": Phase.RETIRED,
    "discovery": Phase.DISCOVERY,
    "alpha": Phase.ALPHA,
    "beta": Phase.PRIVATE_BETA,
    "private-beta": Phase.PRIVATE_BETA,
    "private_beta": Phase.PRIVATE_BETA,
    "public-beta": Phase.PUBLIC_BETA,
    "public_beta": Phase.PUBLIC_BETA,
    "live": Phase.LIVE,
    "retired": Phase.RETIRED,
}

# Resource spec.type (and a subcomponent's spec.type) → component kind.
RESOURCE_KINDS = {
    "database": ComponentKind.DATABASE,
    "queue": ComponentKind.QUEUE,
    "topic": ComponentKind.QUEUE,
    "s3-bucket": ComponentKind.FILE_STORE,
    "bucket": ComponentKind.FILE_STORE,
    "storage": ComponentKind.FILE_STORE,
    "file-store": ComponentKind.FILE_STORE,
    "identity": ComponentKind.IDENTITY,
    "api": ComponentKind.API,
    "service": ComponentKind.API,
    "website": ComponentKind.WEB_APPLICATION,
    "saas": ComponentKind.SAAS,
    "cluster": ComponentKind.INFRASTRUCTURE,
    "infrastructure": ComponentKind.INFRASTRUCTURE,
}

# The fields OSR reads, by kind; every other field is listed as not kept.
METADATA_READ = {"name", "namespace", "title", "description", "annotations", "links", "uid"}
SPEC_READ = {
    "Group": {"type", "parent", "children", "members", "profile"},
    "User": {"memberOf", "profile"},
    "Component": {
        "type",
        "lifecycle",
        "owner",
        "system",
        "subcomponentOf",
        "dependsOn",
        "dependencyOf",
        "consumesApis",
        "consumesApi",
        "providesApis",
    },
    "System": {"lifecycle", "owner", "domain", "dependsOn", "dependencyOf"},
    "Resource": {"type", "owner", "system", "dependsOn", "dependencyOf"},
    "API": {"type", "lifecycle", "owner", "system"},
    "Domain": {"owner"},
    "Location": {"type", "target", "targets", "presence"},
}


class Ref(tuple):
    """An entity reference, compared as Backstage compares them: without case."""

    __slots__ = ()

    def __new__(cls, kind: str, namespace: str, name: str) -> Ref:
        return super().__new__(cls, (kind.lower(), namespace.lower(), name.lower()))

    @property
    def kind(self) -> str:
        return self[0]

    @property
    def namespace(self) -> str:
        return self[1]

    @property
    def name(self) -> str:
        return self[2]

    def __str__(self) -> str:
        return f"{self[0]}:{self[1]}/{self[2]}"


def parse_ref(text: str, *, default_kind: str, default_namespace: str) -> Ref | None:
    """``[kind:][namespace/]name`` as Backstage reads it, or None without a kind."""
    kind, rest = "", text.strip()
    colon, slash = rest.find(":"), rest.find("/")
    if colon > 0 and (slash == -1 or colon < slash):
        kind, rest = rest[:colon], rest[colon + 1 :]
    namespace, _, name = rest.rpartition("/")
    kind = kind or default_kind
    if not kind or not name:
        return None
    return Ref(kind, namespace or default_namespace, name)


@dataclass
class Entity:
    """One entity of a descriptor file, with the line of each of its values."""

    file: str
    document: Document
    kind: str  # as Backstage spells it: Component, API, Group, …
    namespace: str
    name: str
    metadata: dict[str, Any]
    spec: dict[str, Any]

    @property
    def number(self) -> int:
        return self.document.number

    @property
    def where(self) -> str:
        return f"{self.file}, document {self.document.number}"

    @property
    def line(self) -> int:
        return self.document.line_of(("kind",))

    def line_of(self, *path: str | int) -> int:
        return self.document.line_of(path)

    @property
    def ref(self) -> Ref:
        return Ref(self.kind, self.namespace, self.name)

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or self.name)

    def annotation(self, name: str) -> str:
        annotations = self.metadata.get("annotations")
        if not isinstance(annotations, dict):
            return ""
        return str(annotations.get(ANNOTATION + name, "") or "")

    def texts(self, *path: str) -> list[tuple[str, Path]]:
        """The text (or texts) at ``spec.<path>``, with the path of each; others ignored
        here, as ``check_shapes`` has reported them."""
        value: Any = self.spec
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        where: Path = ("spec", *path)
        if isinstance(value, str):
            return [(value, where)]
        if isinstance(value, list):
            return [(item, (*where, n)) for n, item in enumerate(value) if isinstance(item, str)]
        return []

    def refs(self, field: str, default_kind: str) -> list[tuple[str, Ref | None, int]]:
        """Each reference of ``spec.<field>``: (as written, parsed, line)."""
        return [
            (
                text,
                parse_ref(text, default_kind=default_kind, default_namespace=self.namespace),
                self.document.line_of(path),
            )
            for text, path in self.texts(field)
        ]


def written_as(document: Document, path: Path, value: Any) -> str:
    """How a value that is not text was written, for a message."""
    return document.written.get(path, str(value))


def _text_problem(document: Document, path: Path, value: Any, what: str) -> str:
    if value is None:
        return what if " " in what else f"{what} is missing"
    if isinstance(value, bool):
        written = written_as(document, path, value)
        return (
            f"‘{written}’ is read by YAML as {'true' if value else 'false'}, not as text: "
            f'quote it ("{written}")'
        )
    if isinstance(value, int | float):
        return f"‘{written_as(document, path, value)}’ is a number, not text: quote it"
    return f"{what} must be text, not a {'list' if isinstance(value, list) else 'mapping'}"


def envelope(document: Document) -> tuple[tuple[str, str, str] | None, list[tuple[Path, str]]]:
    """(kind, namespace, name) of an entity document, and the problems of its envelope."""
    value = document.value
    if not isinstance(value, dict):
        shape = "a list" if isinstance(value, list) else "not a mapping"
        return None, [((), f"a catalog entity is a mapping of apiVersion, kind, metadata: {shape}")]
    problems: list[tuple[Path, str]] = []
    kind = value.get("kind")
    if not isinstance(kind, str) or not kind:
        problems.append(
            (("kind",), _text_problem(document, ("kind",), kind, "every entity needs a kind"))
        )
    metadata = value.get("metadata")
    if not isinstance(metadata, dict):
        problems.append((("metadata",), "metadata must be a mapping with a name"))
        return None, problems
    name = metadata.get("name")
    path = ("metadata", "name")
    if not isinstance(name, str) or not name:
        problems.append((path, _text_problem(document, path, name, "every entity needs a name")))
    elif len(name) > MAX_NAME or not NAME.match(name):
        problems.append(
            (
                path,
                f"‘{name}’ is not a Backstage name: at most {MAX_NAME} letters and digits, "
                "separated by single - _ or .",
            )
        )
    namespace = metadata.get("namespace", DEFAULT_NAMESPACE)
    path = ("metadata", "namespace")
    if not isinstance(namespace, str):
        problems.append((path, _text_problem(document, path, namespace, "the namespace")))
    elif len(namespace) > MAX_NAME or not NAMESPACE.match(namespace):
        problems.append(
            (path, f"‘{namespace}’ is not a Backstage namespace: lower-case letters, digits, -")
        )
    spec = value.get("spec", {})
    if spec is not None and not isinstance(spec, dict):
        problems.append((("spec",), "spec must be a mapping"))
    # A name Backstage would refuse is reported, and the rest of the entity still checked.
    if any(path[:1] != ("metadata",) or path == ("metadata",) for path, _message in problems):
        return None, problems
    if not isinstance(name, str) or not name or not isinstance(namespace, str):
        return None, problems
    return (str(kind), namespace, name), problems


def check_shapes(entity: Entity) -> list[tuple[Path, str]]:
    """Problems of the fields OSR reads: a reference must be text, a list of
    references a list of texts, profile and annotations mappings."""
    problems: list[tuple[Path, str]] = []
    document = entity.document
    for name in ("annotations", "links", "tags"):
        value = entity.metadata.get(name)
        wanted = dict if name == "annotations" else list
        if value is not None and not isinstance(value, wanted):
            kind = "mapping" if wanted is dict else "list"
            problems.append((("metadata", name), f"metadata.{name} must be a {kind}"))
    for field in SPEC_READ.get(entity.kind, ()):
        value = entity.spec.get(field)
        path: Path = ("spec", field)
        if value is None or field in ("definition",):
            continue
        if field == "profile":
            if not isinstance(value, dict):
                problems.append((path, "spec.profile must be a mapping"))
            continue
        items = value if isinstance(value, list) else [value]
        for n, item in enumerate(items):
            at: Path = (*path, n) if isinstance(value, list) else path
            if not isinstance(item, str) or not item:
                message = _text_problem(document, at, item, f"spec.{field}")
                problems.append((at, message))
    return problems
