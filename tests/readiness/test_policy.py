"""The policy loader: a bad policy is refused whole, every problem with its file and line."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from osr.readiness.checks import registered_checks
from osr.readiness.policy import PolicyError, active_policy, load_policy, parse_policy

DEFAULT = Path(active_policy().source)

GOOD = """\
version: "1"
name: Test policy
gates:
  - id: live-data
    title: Live data
    trigger: uses_live_data
  - id: before-live
    title: Before live
    before: live
requirements:
  - id: LD-1
    title: Pack
    guidance: Do it.
    gate: live-data
    evidence:
      asks_for: The pack.
      pack: true
    valid_for_months: 12
  - id: LV-1
    title: Data owner
    guidance: Choose one.
    gate: before-live
    evidence:
      asks_for: The owner.
    check: catalogue.data_owner
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, source="policy.yaml", known_checks=registered_checks())
    return refused.value.lines


def test_the_default_policy_loads_with_every_requirement():
    policy = load_policy(DEFAULT, known_checks=registered_checks())
    assert policy.version == "2026.1"
    assert len(policy.requirements) == 19
    assert policy.requirement("LD-1").valid_for_months == 12
    assert policy.requirement("LD-1").evidence.pack
    assert policy.requirement("LV-4").check == "catalogue.critical_support"


def test_a_small_policy_loads():
    policy = parse_policy(GOOD, source="policy.yaml", known_checks=registered_checks())
    assert [r.id for r in policy.requirements] == ["LD-1", "LV-1"]
    assert policy.gate("before-live").before == "live"
    assert len(policy.digest) == 12


def test_unknown_key_is_refused_with_its_line():
    text = GOOD.replace("    valid_for_months: 12\n", "    valid_for_months: 12\n    colour: red\n")
    (line,) = problems(text)
    assert line.startswith("policy.yaml:19: unknown key 'colour' in requirement LD-1")


def test_unknown_key_at_the_top_is_refused():
    (line,) = problems(GOOD + "owner: someone\n")
    assert line.startswith("policy.yaml:26: unknown key 'owner' in the policy")


def test_repeated_id_is_refused_naming_both_lines():
    text = GOOD.replace("  - id: LV-1\n", "  - id: LD-1\n")
    (line,) = problems(text)
    assert line == "policy.yaml:19: requirement ID 'LD-1' is repeated (first on line 11)"


def test_repeated_key_is_refused():
    text = GOOD.replace("    title: Pack\n", "    title: Pack\n    title: Again\n")
    (line,) = problems(text)
    assert line.startswith("policy.yaml:13: key 'title' in a requirement is repeated")


def test_unknown_automatic_check_is_refused():
    text = GOOD.replace("catalogue.data_owner", "catalogue.horoscope")
    (line,) = problems(text)
    assert line.startswith("policy.yaml:25: requirement LV-1 names unknown automatic check")
    assert "'catalogue.horoscope'" in line


def test_malformed_yaml_is_refused_with_its_line():
    text = GOOD.replace("    title: Before live\n", "    title: [Before live\n")
    (line,) = problems(text)
    assert line.startswith("policy.yaml:")
    assert "malformed YAML" in line
    assert int(line.split(":")[1]) >= 8


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("catalogue.data_owner", "nope").replace("gate: live-data", "gate: nowhere")
    text = text.replace("before: live", "before: someday")
    lines = problems(text)
    assert len(lines) == 3
    assert [int(line.split(":")[1]) for line in lines] == sorted(
        int(line.split(":")[1]) for line in lines
    )


def test_missing_fields_and_wrong_types_are_refused():
    text = GOOD.replace("    guidance: Choose one.\n", "").replace(
        "valid_for_months: 12", "valid_for_months: soon"
    )
    lines = problems(text)
    assert any("requirement LV-1 has no 'guidance'" in line for line in lines)
    assert any("valid_for_months must be a whole number" in line for line in lines)


def test_a_gate_needs_a_phase_or_a_trigger():
    text = GOOD.replace("    trigger: uses_live_data\n", "")
    assert any("needs exactly one of 'before'" in line for line in problems(text))


def test_an_unreadable_file_is_refused(tmp_path):
    with pytest.raises(PolicyError) as refused:
        load_policy(tmp_path / "missing.yaml", known_checks=registered_checks())
    assert "missing.yaml:0: cannot read the policy" in refused.value.lines[0]


def test_osr_policy_file_points_at_another_policy(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(GOOD)
    with override_settings(OSR_POLICY_FILE=str(other)):
        assert [r.id for r in active_policy().requirements] == ["LD-1", "LV-1"]
    assert len(active_policy().requirements) == 19


def test_a_bad_policy_stops_start_up(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  - id: LV-1\n", "  - id: LD-1\n"))
    with (
        override_settings(OSR_POLICY_FILE=str(bad)),
        pytest.raises(ImproperlyConfigured) as refused,
    ):
        apps.get_app_config("readiness").ready()
    assert f"{bad}:19: requirement ID 'LD-1' is repeated" in str(refused.value)
