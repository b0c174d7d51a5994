"""Descriptor files nobody here wrote: every problem is a message with its file and
line, never a traceback, and a file cannot make OSR expand it without bound."""

import time

import pytest

from osr.graph import backstage_yaml
from osr.graph.backstage import import_backstage

pytestmark = pytest.mark.django_db


def problems(text: str, users, name: str = "bad.yaml") -> list[str]:
    result = import_backstage([(name, text)], by=users.admin, apply=True)
    assert not result.applied
    return [str(p) for p in result.problems]


def billion_laughs() -> str:
    lines = ["kind: Component", "metadata:", "  name: lol", '  a: &a ["lol","lol","lol","lol"]']
    previous = "a"
    for anchor in "bcdefghij":
        lines.append(f"  {anchor}: &{anchor} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = anchor
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_within_a_second(users):
    bomb = billion_laughs()
    assert len(bomb) < 600
    started = time.perf_counter()
    reported = problems(bomb, users)
    assert time.perf_counter() - started < 1.0
    assert reported == [
        "bad.yaml, document 1, line 4: the document expands to more than 20,000 values "
        "(aliases repeat what they name): not read"
    ]


def test_a_merge_key_bomb_is_refused_too(users):
    lines = ["kind: Component", "metadata:", "  name: lol", "  a: &a {x: 1, y: 2, z: 3}"]
    previous = "a"
    for anchor in "bcdefghij":
        merged = ", ".join(f"*{previous}" for _ in range(9))
        lines.append(f"  {anchor}: &{anchor} {{<<: [{merged}]}}")
        previous = anchor
    started = time.perf_counter()
    reported = problems("\n".join(lines) + "\n", users)
    assert time.perf_counter() - started < 1.0
    assert "expands to more than" in reported[0]


def test_a_list_where_a_mapping_belongs(users):
    assert problems("- kind: Component\n- metadata: {name: x}\n", users) == [
        "bad.yaml, document 1, line 1: a catalog entity is a mapping of apiVersion, kind, "
        "metadata: a list"
    ]
    text = "kind: Component\nmetadata:\n  - name: x\n"
    assert problems(text, users) == [
        "bad.yaml, document 1, line 2, metadata: metadata must be a mapping with a name"
    ]


def test_nulls_where_values_belong(users):
    text = "kind: Component\nmetadata:\n  name:\nspec:\n  owner: ~\n"
    assert problems(text, users) == [
        "bad.yaml, document 1, line 3, metadata.name: every entity needs a name"
    ]
    text = "kind: Component\nmetadata: {name: x}\nspec:\n  dependsOn: [~, component:y]\n"
    assert problems(text, users)[0] == (
        "bad.yaml, document 1, line 4, spec.dependsOn.0: spec.dependsOn is missing"
    )


def test_duplicate_keys_are_reported_with_both_lines(users):
    text = "kind: Component\nmetadata:\n  name: a\n  name: b\nspec: {owner: group:farming}\n"
    assert problems(text, users)[0] == (
        "bad.yaml, document 1, line 4: the key ‘name’ is given twice (first at line 3)"
    )


@pytest.mark.parametrize(("written", "read"), [("no", "false"), ("on", "true"), ("yes", "true")])
def test_yaml_1_1_booleans_where_a_name_belongs(users, written, read):
    text = f"kind: Component\nmetadata:\n  name: {written}\n"
    assert problems(text, users) == [
        f"bad.yaml, document 1, line 3, metadata.name: ‘{written}’ is read by YAML as {read}, "
        f'not as text: quote it ("{written}")'
    ]


def test_a_number_where_a_reference_belongs(users):
    text = "kind: Component\nmetadata: {name: x}\nspec:\n  owner: 0123\n"
    assert problems(text, users) == [
        "bad.yaml, document 1, line 4, spec.owner: ‘0123’ is a number, not text: quote it"
    ]


def test_a_name_backstage_would_refuse(users):
    text = "kind: Component\nmetadata:\n  name: -bad..name\n"
    assert any(
        problem.startswith(
            "bad.yaml, document 1, line 3, metadata.name: ‘-bad..name’ is not a Backstage name"
        )
        for problem in problems(text, users)
    )


def test_a_file_too_large_or_too_many_documents_is_not_read(users, monkeypatch):
    monkeypatch.setattr(backstage_yaml, "MAX_FILE_BYTES", 100)
    assert problems("# " + "x" * 200 + "\n", users) == [
        "bad.yaml: the file is larger than 0 MB: not read"
    ]
    monkeypatch.setattr(backstage_yaml, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(backstage_yaml, "MAX_DOCUMENTS", 2)
    text = "kind: Template\nmetadata: {name: a}\n---\n" * 3
    result = import_backstage([("many.yaml", text)], by=users.admin, apply=False)
    assert [str(p) for p in result.problems] == [
        "many.yaml: the file holds more than 2 documents: the rest not read"
    ]
