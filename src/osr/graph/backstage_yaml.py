"""Reading descriptor files as YAML safely, keeping the line of every value.

Descriptor files come from outside OSR, so reading one is bounded: a file is at
most ``MAX_FILE_BYTES`` and ``MAX_DOCUMENTS`` documents, and a document at most
``MAX_NODES`` values once its aliases are expanded (an alias repeats what its
anchor names, so a few hundred bytes of nested aliases can stand for billions of
values). The YAML is composed into nodes by libyaml without expanding anything,
then turned into plain values here, counting as it goes, so a "billion laughs"
file stops at the limit instead of filling the memory.

Every problem is a line of the file and a message: duplicate keys, keys that are
not text, tags OSR does not read, and values nested too deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DOCUMENTS = 20_000  # in one file
MAX_NODES = 20_000  # values in one document, each alias counted as often as it is used
MAX_DEPTH = 64  # mappings and lists within one another

Path = tuple[str | int, ...]

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where it is installed
STR, MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_scalars = SafeConstructor()

# A line that starts a YAML document: ``---`` at the start of a line, alone or
# followed by a space. It always ends the document before it.
DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
PRELUDE = re.compile(r"^\s*(?:[#%].*)?$")  # comments and directives before the first ``---``


@dataclass
class Document:
    """One YAML document of a file: its value, where each value starts, and its problems."""

    number: int
    line: int  # where the document starts
    value: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    written: dict[Path, str] = field(default_factory=dict)  # a scalar read as other than text
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def line_of(self, path: Path) -> int:
        """The line of the value at ``path``, or of the nearest value around it."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), self.line)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def split_documents(text: str) -> list[tuple[int, str]]:
    """The documents of a YAML stream as (first line number, text), split at ``---``,
    so that a document that is not valid YAML does not hide the documents after it."""
    starts = [match.start() for match in DOCUMENT_START.finditer(text)]
    bounds = [0, *starts, len(text)]
    chunks = [(begin, text[begin:end]) for begin, end in zip(bounds, bounds[1:], strict=False)]
    head = chunks[0][1]
    if all(PRELUDE.match(line) for line in head.splitlines()):
        chunks = chunks[1:]
        if chunks:
            chunks[0] = (0, head + chunks[0][1])
    numbered, line, counted_to = [], 1, 0
    for begin, chunk in chunks:  # lines counted once through the text, not per document
        line += text.count("\n", counted_to, begin)
        counted_to = begin
        numbered.append((line, chunk))
    return numbered


class _Reading:
    """Turns one document's nodes into plain values, within the limits."""

    def __init__(self, document: Document):
        self.document = document
        self.offset = document.line - 1
        self.spent = 0

    def line(self, node: Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def spend(self, count: int, node: Node) -> None:
        self.spent += count
        if self.spent > MAX_NODES:
            raise _Refused(
                self.line(node),
                f"the document expands to more than {MAX_NODES:,} values "
                "(aliases repeat what they name): not read",
            )

    def value(self, node: Node, path: Path) -> Any:
        self.spend(1, node)
        if len(path) > MAX_DEPTH:
            raise _Refused(self.line(node), f"values nested more than {MAX_DEPTH} deep: not read")
        self.document.lines.setdefault(path, self.line(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode):
            return [self.value(item, (*path, n)) for n, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        raise _Refused(self.line(node), "not YAML OSR can read")

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag == STR:
            return node.value
        if node.tag not in SCALAR_TAGS:
            raise _Refused(self.line(node), f"the tag {node.tag} is not read by OSR")
        self.document.written[path] = node.value
        return _scalars.yaml_constructors[node.tag](_scalars, node)

    def pairs(self, node: MappingNode) -> list[tuple[Node, Node]]:
        """The mapping's own pairs, after those it merges in (``<<: *defaults``)."""
        merged: list[tuple[Node, Node]] = []
        own: list[tuple[Node, Node]] = []
        for key, value in node.value:
            if key.tag != MERGE:
                own.append((key, value))
                continue
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise _Refused(self.line(source), "only a mapping can be merged with <<")
                inner = self.pairs(source)
                self.spend(len(inner), source)
                merged.extend(inner)
        return merged + own

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        own = {id(key) for key, _value in node.value}  # keys written here, not merged in
        seen: dict[str, int] = {}
        for key_node, value_node in self.pairs(node):
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                written = key_node.value if isinstance(key_node, ScalarNode) else "a collection"
                self.document.problems.append(
                    (self.line(key_node), f"the key ‘{written}’ is not text: quote it")
                )
                continue
            key = key_node.value
            line = self.line(key_node)
            if id(key_node) in own:
                if key in seen:
                    self.document.problems.append(
                        (line, f"the key ‘{key}’ is given twice (first at line {seen[key]})")
                    )
                seen[key] = line
            result[key] = self.value(value_node, (*path, key))
            self.document.lines[(*path, key)] = line
        return result


def _problem_of(error: yaml.YAMLError, first_line: int) -> tuple[int, str]:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return first_line, f"not valid YAML: {problem}"
    return first_line + mark.line, f"not valid YAML: {problem}"


def read_documents(text: str) -> tuple[list[Document], str]:
    """Every document of a file, each with its problems, and a problem of the whole file."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        return [], f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not read"
    found: list[Document] = []
    refused = ""
    for first_line, chunk in split_documents(text):
        if len(found) >= MAX_DOCUMENTS:
            refused = f"the file holds more than {MAX_DOCUMENTS:,} documents: the rest not read"
            break
        document = Document(len(found) + 1, first_line)
        found.append(document)
        try:
            nodes = list(yaml.compose_all(chunk, Loader=LOADER))
        except yaml.YAMLError as error:
            document.problems.append(_problem_of(error, first_line))
            continue
        except RecursionError:
            document.problems.append((first_line, "values nested too deep: not read"))
            continue
        nodes = [node for node in nodes if node is not None]
        if not nodes:
            continue
        try:
            document.value = _Reading(document).value(nodes[0], ())
        except _Refused as error:
            document.value = None
            document.problems.append((error.line, error.message))
    return found, refused
