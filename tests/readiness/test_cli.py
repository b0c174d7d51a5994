"""The CLI: osr policy, osr readiness and osr check (manifests), with their exit codes."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from osr.readiness.checks import registered_checks

from ..factories import ServiceFactory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "manifest.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), flags=re.S)
OSR_EXAMPLE, BACKSTAGE_EXAMPLE = EXAMPLES


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(*args, stdout=out, stderr=err)
    return error.value.returncode, out.getvalue() + err.getvalue(), str(error.value)


def test_policy_show_prints_every_requirement():
    out, _ = run("policy", "show")
    assert "version 2026.1" in out
    for requirement_id in ["LD-1", "PB-4", "PUB-3", "LV-5", "AS-5"]:
        assert requirement_id in out
    # A check is marked pending until the app that decides it provides it.
    for name, check in registered_checks().items():
        assert f"  {name}{' (pending)' if check.pending else ''}: " in out, name


def test_policy_check_accepts_a_good_file():
    out, _ = run("policy", "check", "src/osr/readiness/policy/defra.yaml")
    assert "valid policy version 2026.1 with 19 requirements" in out


def test_policy_check_lists_line_numbered_errors_and_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = Path("src/osr/readiness/policy/defra.yaml").read_text()
    bad.write_text(
        text.replace("  - id: LD-2\n", "  - id: LD-1\n").replace("pack: true", "pak: true", 1)
    )
    code, output, message = refused("policy", "check", str(bad))
    assert code == 1 and "2 problems" in message
    assert re.search(rf"{re.escape(str(bad))}:\d+: requirement ID 'LD-1' is repeated", output)
    assert re.search(rf"{re.escape(str(bad))}:\d+: unknown key 'pak'", output)


@pytest.mark.django_db
def test_readiness_exits_0_when_the_service_may_move(users):
    ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)
    out, _ = run("readiness", "flood")
    assert "Flood warnings may enter alpha" in out


@pytest.mark.django_db
def test_readiness_exits_1_listing_the_blockers(users):
    ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own, phase="alpha")
    code, output, _ = refused("readiness", "flood", "--phase", "public_beta")
    assert code == 1
    assert "may not enter public beta" in output
    for requirement_id in ["PB-1", "PB-2", "PB-3", "PB-4"]:
        assert f"  {requirement_id}: " in output


@pytest.mark.django_db
def test_readiness_answers_json(users):
    ServiceFactory(slug="flood", delivery_group=users.own, phase="private_beta")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("readiness", "flood", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["target_phase"] == "public_beta" and body["ready"] is False
    assert [b["id"] for b in body["blockers"]] == ["PB-1", "PB-2", "PB-3", "PB-4"]
    assert body["policy_version"] == "2026.1" and len(body["requirements"]) == 19


@pytest.mark.django_db
def test_readiness_of_an_unknown_service_is_an_error(users):
    code, _, message = refused("readiness", "nowhere")
    assert code == 2 and "No service" in message


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def write(tmp_path, text, name="osr.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_check_reads_the_documented_manifest_offline(tmp_path):
    manifest = write(tmp_path, OSR_EXAMPLE)
    code, output, _ = refused("check", manifest, "--phase", "public_beta", "--on", "2026-03-01")
    assert code == 1
    assert "Waste tracking may not enter public beta" in output
    assert re.findall(r"^  (\S+):", output, flags=re.M) == ["PB-2"]


def test_check_exits_0_when_the_manifest_is_ready(tmp_path):
    ready = OSR_EXAMPLE.replace(
        "  waivers:\n",
        "    - requirement: PB-2\n      status: verified\n      links: [https://myit.example/x]\n"
        "  waivers:\n",
    )
    out, _ = run("check", write(tmp_path, ready), "--phase", "public_beta", "--on", "2026-03-01")
    assert "Waste tracking may enter public beta" in out


def test_check_reports_every_problem_with_its_line(tmp_path):
    bad = (
        OSR_EXAMPLE.replace("  phase: private_beta ", "  phase: beta ")
        .replace("  critical: false\n", "  critical: false\n  colour: green\n")
        .replace("- requirement: PB-4", "- requirement: PB-9")
    )
    path = write(tmp_path, bad)
    code, output, message = refused("check", path)
    assert code == 2 and "3 problems" in message
    lines = [line for line in output.splitlines() if line.startswith(path)]
    expected = [line_of(bad, "phase: beta"), line_of(bad, "colour"), line_of(bad, "PB-9")]
    assert [int(line.split(":")[1]) for line in lines] == expected
    assert "phase must be one of" in lines[0]
    assert "unknown key 'colour'" in lines[1]
    assert "no requirement 'PB-9'" in lines[2]


def test_check_reports_malformed_yaml_with_its_line(tmp_path):
    path = write(tmp_path, "apiVersion: osr.defra.gov.uk/v1\nkind: Service\nmetadata: [oops\n")
    code, output, _ = refused("check", path)
    assert code == 2
    assert re.search(rf"{re.escape(path)}:\d+: malformed YAML", output)


def test_check_reads_a_backstage_catalog_info(tmp_path):
    path = write(tmp_path, "---\n" + BACKSTAGE_EXAMPLE, name="catalog-info.yaml")
    code, output, _ = refused("check", path, "--on", "2026-03-01")
    assert code == 1
    assert re.findall(r"^  (\S+):", output, flags=re.M) == ["PB-2", "PB-4"]


def test_check_refuses_unknown_osr_annotations(tmp_path):
    text = BACKSTAGE_EXAMPLE.replace("osr.defra.gov.uk/data-owner", "osr.defra.gov.uk/data-owmer")
    path = write(tmp_path, text, name="catalog-info.yaml")
    code, output, _ = refused("check", path)
    line = line_of(text, "data-owmer")
    assert code == 2 and f":{line}: unknown annotation osr.defra.gov.uk/data-owmer" in output


def test_check_refuses_a_file_that_is_not_a_manifest(tmp_path):
    path = write(
        tmp_path, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n"
    )
    code, output, _ = refused("check", path)
    assert code == 2 and "no OSR manifest here" in output


def test_check_without_a_manifest_is_djangos_system_check():
    out, _ = run("check")
    assert "System check identified no issues" in out


def test_the_osr_command_exits_with_the_documented_codes(tmp_path):
    env = os.environ | {"OSR_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "osr.settings"}
    cli = [sys.executable, "-m", "osr.cli", "check"]
    ready = subprocess.run(
        [*cli, write(tmp_path, OSR_EXAMPLE), "--phase", "alpha", "--on", "2026-03-01"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ready.returncode == 0, ready.stderr
    blocked = subprocess.run(
        [*cli, write(tmp_path, OSR_EXAMPLE), "--on", "2026-03-01"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert blocked.returncode == 1 and "PB-2" in blocked.stdout
    broken = subprocess.run(
        [*cli, write(tmp_path, "kind: [", name="bad.yaml")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 2 and "bad.yaml:" in broken.stderr
