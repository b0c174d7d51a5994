"""Comparing two policies: what changed, and which services newly fall short, by group; from the
command line and on the administrators' page."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from osr.readiness.checks import registered_checks
from osr.readiness.policy import load_policy
from osr.readiness.policy_diff import compare, policy_diff

from ..factories import ServiceFactory
from .test_gates import PB_GATE, meet
from .test_portfolio import queries
from .timeline import DEFAULT, policy_file, requirement_yaml

pytestmark = pytest.mark.django_db


def tightened(directory: Path, *, effective_from: str = "") -> str:
    """A new version: AS-9 added before public beta, LD-1 valid 6 months, AS-5 removed."""
    text = Path(
        policy_file(
            directory,
            version="2027.1",
            extra=requirement_yaml("AS-9", "before-public-beta", effective_from=effective_from),
        )
    ).read_text()
    text = text.replace("    valid_for_months: 12\n", "    valid_for_months: 6\n", 1)
    start = text.index("  - id: AS-5\n")
    end = text.index("  - id: AS-9\n")
    path = directory / "tightened.yaml"
    path.write_text(text[:start] + text[end:])
    return str(path)


@pytest.fixture
def services(users):
    """Two services ready for public beta in two groups, and one not ready anyway."""
    made = {}
    for slug, group in (("floods", users.own), ("rivers", users.other)):
        made[slug] = ServiceFactory(
            slug=slug, name=slug.title(), delivery_group=group, phase="private_beta"
        )
        meet(made[slug], *PB_GATE)
    made["blocked"] = ServiceFactory(slug="blocked", delivery_group=users.own, phase="private_beta")
    return made


def test_compare_names_what_was_added_changed_and_removed(tmp_path):
    old = load_policy(DEFAULT, known_checks=registered_checks())
    new = load_policy(tightened(tmp_path), known_checks=registered_checks())
    changes = {(c.kind, c.id): c for c in compare(old, new)}
    assert set(changes) == {("added", "AS-9"), ("changed", "LD-1"), ("removed", "AS-5")}
    assert changes[("changed", "LD-1")].details == ("valid for months: 12 → 6",)


def test_the_services_newly_falling_short_by_group(tmp_path, services):
    old = load_policy(DEFAULT, known_checks=registered_checks())
    new = load_policy(tightened(tmp_path), known_checks=registered_checks())
    found = policy_diff(old, new, today=timezone.localdate())
    shown = {g: [(s.slug, s.newly_blocking) for s in ss] for g, ss in found.short_by_group.items()}
    # The blocked service was short already, but AS-9 is new to it too; by name in each group.
    assert shown == {
        "Environment": [("rivers", ("AS-9",))],
        "Farming and countryside": [("floods", ("AS-9",)), ("blocked", ("AS-9",))],
    }


def test_a_requirement_not_yet_in_force_makes_no_service_fall_short(tmp_path, services):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    old = load_policy(DEFAULT, known_checks=registered_checks())
    new = load_policy(tightened(tmp_path, effective_from=future), known_checks=registered_checks())
    assert policy_diff(old, new, today=timezone.localdate()).short_count == 0
    changes = {(c.kind, c.id) for c in compare(old, new)}
    assert ("added", "AS-9") in changes


def test_the_command_prints_the_changes_and_the_services(tmp_path, services):
    out = io.StringIO()
    call_command("policy", "diff", str(DEFAULT), tightened(tmp_path), stdout=out)
    text = out.getvalue()
    assert "From version 2026.1 to 2027.1" in text
    assert "  added requirement AS-9: Accessibility statement published" in text
    assert "      valid for months: 12 → 6" in text
    assert "  removed requirement AS-5: Governance processes followed" in text
    assert "Services newly falling short of their next gate: 3" in text
    assert "  Environment\n    rivers: AS-9" in text


def test_the_command_refuses_a_bad_file_in_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsurprise: yes\n")
    with pytest.raises(CommandError) as refused:
        call_command("policy", "diff", str(DEFAULT), str(bad))
    assert str(refused.value).startswith(f"{bad} is not a valid policy: {bad}:")
    assert "\n" not in str(refused.value)


def test_administrators_compare_a_pasted_policy_on_a_page(tmp_path, page, services):
    client = page("admin")
    assert client.get("/readiness/policy/compare").status_code == 200
    answer = client.post(
        "/readiness/policy/compare", {"new_policy": Path(tightened(tmp_path)).read_text()}
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "From version 2026.1 to 2027.1" in html
    assert "Added requirement" in html and "AS-9: Accessibility statement published" in html
    assert "Services newly falling short (3)" in html
    assert 'href="/services/rivers/readiness">Rivers</a>: AS-9' in html


def test_a_broken_policy_is_shown_in_the_error_summary(page):
    answer = page("admin").post("/readiness/policy/compare", {"new_policy": "version: [1\n"})
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "There is a problem" in html and "the new policy:" in html
    assert "version: [1" in html  # what was pasted is kept


def test_only_administrators_compare_policies(page):
    assert page("osr_manager").get("/readiness/policy/compare").status_code == 403
    assert page("viewer").post("/readiness/policy/compare", {"new_policy": "x"}).status_code == 403


def test_the_comparison_takes_a_fixed_number_of_queries(tmp_path, page, users):
    client = page("admin")
    text = Path(tightened(tmp_path)).read_text()
    ServiceFactory(delivery_group=users.own, phase="private_beta")
    few = queries(lambda: client.post("/readiness/policy/compare", {"new_policy": text}))
    for _ in range(10):
        ServiceFactory(delivery_group=users.own, phase="private_beta")
    assert queries(lambda: client.post("/readiness/policy/compare", {"new_policy": text})) == few
