"""Reading a catalogue as it is published: files, and the files their ``Location``
entities name, never outside the directory being imported.

A ``Location``'s ``spec.target`` and ``spec.targets`` are relative to the file
that holds it (``./org.yaml``, ``systems/*.yaml``); ``type: file`` and ``type:
url`` given as a relative path are both read from the import's own files. An
absolute path, a path that climbs out (``../``), or a link to a file outside
is refused; a web address is not fetched (listed as not followed).
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .backstage_parse import (
    METADATA_READ,
    MODELLED,
    READ,
    SPEC_READ,
    Entity,
    check_shapes,
    envelope,
)
from .backstage_yaml import read_documents

ENTRY_NAMES = ("catalog-info.yaml", "catalog-info.yml")
GLOB = set("*?[")
ENVELOPE = {"apiVersion", "kind", "metadata", "spec"}


class Unreadable(Exception):
    """A file named by the import that cannot be read."""


class UploadedFiles:
    """Files given by name and text (the page's upload, the API's body)."""

    def __init__(self, files: list[tuple[str, str]]):
        self.texts = {posixpath.normpath(name.replace("\\", "/")): text for name, text in files}

    def entries(self) -> list[str]:
        return list(self.texts)

    def shown(self, name: str) -> str:
        return name

    def read(self, name: str) -> str:
        if name not in self.texts:
            raise Unreadable(f"{name} is not among the uploaded files")
        return self.texts[name]

    def matching(self, pattern: str) -> list[str]:
        return sorted(name for name in self.texts if fnmatch.fnmatchcase(name, pattern))


class Directory:
    """Files under one directory on disk (the command line), named relative to it."""

    def __init__(self, path: str):
        given = Path(path)
        if given.is_dir():
            self.root, self.prefix = given.resolve(), path.rstrip("/")
            entry = next((n for n in ENTRY_NAMES if (given / n).is_file()), None)
            if entry:
                self._entries = [entry]
            else:  # no catalog-info.yaml: every descriptor file in it
                found = [*self.root.rglob("*.yaml"), *self.root.rglob("*.yml")]
                self._entries = sorted(p.relative_to(self.root).as_posix() for p in found)
        else:
            self.root, self.prefix = given.resolve().parent, str(given.parent)
            self._entries = [given.name]

    def entries(self) -> list[str]:
        return self._entries

    def shown(self, name: str) -> str:
        return name if self.prefix in ("", ".") else f"{self.prefix}/{name}"

    def read(self, name: str) -> str:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            raise Unreadable(f"{name} is a link to a file outside the directory being imported")
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise Unreadable(f"cannot read {self.shown(name)}: {error}") from error

    def matching(self, pattern: str) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.glob(pattern) if p.is_file()
        )


Files = UploadedFiles | Directory


@dataclass
class Catalogue:
    """What the files hold: entities, the problems of reading them, and what was skipped."""

    entities: list[Entity] = field(default_factory=list)
    problems: list[tuple[str, int, str, str]] = field(
        default_factory=list
    )  # where, line, field, message
    places: list[str] = field(default_factory=list)
    read: Counter[str] = field(default_factory=Counter)  # entities by kind
    skipped_kinds: Counter[str] = field(default_factory=Counter)
    skipped_fields: Counter[str] = field(default_factory=Counter)
    not_followed: list[str] = field(default_factory=list)

    def not_kept(self) -> list[str]:
        """What the import skipped, in words, for the report."""
        lines = [
            f"{kind}: {count} {'entity' if count == 1 else 'entities'} "
            + ("(OSR keeps no domains)" if kind == "Domain" else "(a kind OSR does not import)")
            for kind, count in sorted(self.skipped_kinds.items())
        ]
        lines += [
            f"{name}: on {count} {'entity' if count == 1 else 'entities'} (not kept)"
            for name, count in sorted(self.skipped_fields.items())
        ]
        lines += [f"{target}: not followed (a web address)" for target in self.not_followed]
        return lines


def _target(base: str, target: str, kind: str) -> tuple[str, str]:
    """(the file name the target names, or "") and why it is refused or not followed."""
    target = target.strip()
    if "://" in target:
        if kind == "url" and target.split("://", 1)[0] in ("http", "https"):
            return "", "web"
        return "", f"{target} is not a file of the import: name it relative to this file"
    if target.startswith(("/", "\\")) or (len(target) > 1 and target[1] == ":"):
        return "", f"{target} is an absolute path: name it relative to this file"
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
    if joined == ".." or joined.startswith("../"):
        return "", f"{target} is outside the directory being imported"
    return joined, ""


class _Reader:
    def __init__(self, catalogue: Catalogue, strict: bool):
        self.catalogue, self.strict = catalogue, strict
        self.seen: set[tuple[int, str]] = set()

    def problem(self, where: str, line: int, field: str, message: str) -> None:
        self.catalogue.problems.append((where, line, field, message))

    def file(self, files: Files, name: str, named_at: tuple[str, int] | None = None) -> None:
        if (id(files), name) in self.seen:
            return
        self.seen.add((id(files), name))
        shown = files.shown(name)
        try:
            text = files.read(name)
        except Unreadable as error:
            where, line = named_at or (shown, 0)
            self.catalogue.places.append(where)
            self.problem(where, line, "spec.target" if named_at else "", str(error))
            return
        documents, refused = read_documents(text)
        if refused:
            self.catalogue.places.append(shown)
            self.problem(shown, 0, "", refused)
        for document in documents:
            where = f"{shown}, document {document.number}"
            self.catalogue.places.append(where)
            for line, message in document.problems:
                self.problem(where, line, "", message)
            if document.value is None:
                continue
            found, problems = envelope(document)
            for path, message in problems:
                self.problem(where, document.line_of(path), ".".join(map(str, path)), message)
            if found is None:
                continue
            kind, namespace, name_ = found
            value = document.value
            entity = Entity(
                shown, document, kind, namespace, name_, value["metadata"], value.get("spec") or {}
            )
            self.entity(files, name, entity)

    def entity(self, files: Files, name: str, entity: Entity) -> None:
        catalogue = self.catalogue
        catalogue.read[entity.kind] += 1
        shape_problems = check_shapes(entity)
        for path, message in shape_problems:
            self.problem(entity.where, entity.line_of(*path), ".".join(map(str, path)), message)
        if entity.kind not in (*MODELLED, *READ):
            catalogue.skipped_kinds[entity.kind] += 1
            if self.strict:
                self.problem(
                    entity.where, entity.line, "kind", f"OSR does not import {entity.kind}"
                )
            return
        if entity.kind == "Domain":
            catalogue.skipped_kinds["Domain"] += 1
        self.skipped_fields(entity)
        if not shape_problems:
            catalogue.entities.append(entity)
        if entity.kind == "Location" and not shape_problems:
            kind = str(entity.spec.get("type") or "file")
            for target, path in [*entity.texts("target"), *entity.texts("targets")]:
                self.target(files, name, entity, target, kind, entity.line_of(*path))

    def skipped_fields(self, entity: Entity) -> None:
        document = entity.document.value
        unused = [f"{key}" for key in document if key not in ENVELOPE]
        unused += [f"metadata.{key}" for key in entity.metadata if key not in METADATA_READ]
        unused += [f"spec.{key}" for key in entity.spec if key not in SPEC_READ[entity.kind]]
        for name in unused:
            self.catalogue.skipped_fields[name] += 1
            if self.strict:
                line = entity.line_of(*name.split("."))
                self.problem(entity.where, line, name, "OSR does not keep this field")

    def target(self, files: Files, base: str, entity: Entity, target: str, kind: str, line: int):
        name, refused = _target(base, target, kind)
        if refused == "web":
            self.catalogue.not_followed.append(target)
            if self.strict:
                self.problem(entity.where, line, "spec.target", f"{target} is not followed")
            return
        if refused:
            self.problem(entity.where, line, "spec.target", refused)
            return
        names = files.matching(name) if GLOB & set(name) else [name]
        for found in names:
            self.file(files, found, (entity.where, line))


def read_catalogue(sources: list[Files], *, strict: bool = False) -> Catalogue:
    """Every entity of the given files and of the files their Locations name."""
    catalogue = Catalogue()
    reader = _Reader(catalogue, strict)
    for files in sources:
        for name in files.entries():
            reader.file(files, name)
    return catalogue
