"""Reading Backstage catalog descriptor files: documents, entity references, and the
tables that map Backstage's values to OSR's (docs/import.md shows them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from osr.catalogue.choices import ComponentKind, Phase

KINDS = ("Group", "Component", "System", "Resource", "API")
ANNOTATION = "osr.defra.gov.uk/"

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

# Resource spec.type → component kind.
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
    "website": ComponentKind.WEB_APPLICATION,
    "saas": ComponentKind.SAAS,
    "cluster": ComponentKind.INFRASTRUCTURE,
    "infrastructure": ComponentKind.INFRASTRUCTURE,
}


@dataclass
class Entity:
    """One document of a descriptor file."""

    file: str
    number: int
    kind: str
    name: str
    metadata: dict[str, Any]
    spec: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.file}, document {self.number}"

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or self.name)

    def annotation(self, name: str) -> str:
        annotations = self.metadata.get("annotations") or {}
        return str(annotations.get(ANNOTATION + name, "") or "")

    def refs(self, name: str) -> list[str]:
        value = self.spec.get(name) or []
        return [str(item) for item in (value if isinstance(value, list) else [value])]


def parse_ref(ref: str, default_kind: str) -> tuple[str, str]:
    """``[kind:][namespace/]name`` → (lower-case kind, name)."""
    kind, _, rest = ref.rpartition(":")
    name = rest.rpartition("/")[2]
    return (kind or default_kind).lower(), name


def parse(files: Iterable[tuple[str, str]]) -> tuple[list[Entity], list[tuple[str, str]]]:
    """The entities of every file, and (where, message) for each unreadable document."""
    entities: list[Entity] = []
    problems: list[tuple[str, str]] = []
    for file_name, text in files:
        number = 0
        try:
            for number, document in enumerate(yaml.safe_load_all(text), start=1):  # noqa: B007
                if document is None:
                    continue
                where = f"{file_name}, document {number}"
                if not isinstance(document, dict):
                    problems.append((where, "not a catalog entity"))
                    continue
                kind = str(document.get("kind", ""))
                metadata = document.get("metadata") or {}
                name = str(metadata.get("name", "")) if isinstance(metadata, dict) else ""
                if kind not in KINDS:
                    problems.append(
                        (where, f"unknown kind ‘{kind}’: expected one of {', '.join(KINDS)}")
                    )
                elif not name:
                    problems.append((where, "metadata.name is missing"))
                else:
                    spec = document.get("spec") or {}
                    entities.append(Entity(file_name, number, kind, name, metadata, spec))
        except yaml.YAMLError as error:
            problems.append((f"{file_name}, document {number + 1}", f"not valid YAML ({error})"))
    return entities, problems
