"""``osr guide``: one guide to a file in any format, or every live service's to a zip."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from osr.guides import services
from osr.guides.models import GuideVersion, OperationsProfile

from .conftest import docx_text, make_complete_service, pdf_reader

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("guide", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(complete_service, users):
    services.generate_version(complete_service, by=users.delivery, today=timezone.localdate())
    return complete_service


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_the_latest_version_is_written_in_each_format(generated, tmp_path, fmt):
    target = tmp_path / f"guide.{fmt}"
    out = run("pay-farmers", "--format", fmt, "-o", str(target))
    assert "version 1, draft" in out
    content = target.read_bytes()
    if fmt == "docx":
        assert docx_text(content).paragraphs[0].text == "Pay farmers: service operations guide"
    elif fmt == "pdf":
        assert "Document control" in pdf_reader(content).pages[0].extract_text()
    else:
        assert "19. Acceptance and transition" in content.decode()


def test_the_current_guide_needs_no_version(complete_service, tmp_path):
    target = tmp_path / "now.md"
    assert "current preview" in run("pay-farmers", "--format", "md", "-o", str(target), "--current")
    assert "**Version:** Not yet generated" in target.read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope", "--format", "md"], "No service with slug 'nope'"),
        (["pay-farmers", "--format", "md"], "generate one, or use --current"),
        (["pay-farmers", "--format", "md", "--number", "4"], "No version 4"),
        (["pay-farmers", "--format", "md", "--format", "pdf"], "Give one --format"),
    ],
)
def test_bad_requests_fail_with_one_clear_line(complete_service, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "-o", str(tmp_path / "out"))


def test_a_missing_folder_is_refused(complete_service, tmp_path):
    with pytest.raises(CommandError, match="No folder"):
        run("pay-farmers", "-o", str(tmp_path / "missing" / "guide.pdf"))


def test_export_live_writes_a_zip_and_prints_progress(users, tmp_path):
    for n in range(3):
        service = make_complete_service(users.own, name=f"Live {n}", slug=f"live-{n}")
        version = services.generate_version(service, by=users.delivery, today=timezone.localdate())
        services.approve_version(version, by=users.osr_manager)
        services.approve_version(version, by=users.live_services_manager)
        service.phase = "live"
        service.save()
    target = tmp_path / "guides.zip"
    out = run("export-live", "--format", "md", "-o", str(target))
    assert out.splitlines() == [
        "Exporting the approved guides of 3 live services",
        "1 of 3 guides (33%)",
        "2 of 3 guides (66%)",
        "3 of 3 guides (100%)",
        f"Wrote {target}: 3 guides in md",
    ]
    assert len(zipfile.ZipFile(target).namelist()) == 4


def test_generate_makes_the_next_version_as_the_page_does(complete_service, users):
    out = run("generate", "pay-farmers", "--by", users.delivery.username)
    assert out == "Generated version 1 of Pay farmers: service operations guide (complete)\n"
    version = services.version_of(complete_service, None)
    assert version.number == 1 and version.generated_by == users.delivery
    OperationsProfile.objects.filter(service=complete_service).update(rpo=None)
    out = run("generate", "pay-farmers")
    assert out.startswith("Generated version 2 of Pay farmers") and "13. Continuity" in out
    assert services.version_of(complete_service, 2).generated_by is None


def test_generate_is_attributed_in_the_audit_trail(complete_service, users):
    from auditlog.models import LogEntry

    run("generate", "pay-farmers", "--by", users.delivery.username)
    entry = LogEntry.objects.get_for_model(GuideVersion).latest("timestamp")
    assert entry.actor == users.delivery


@pytest.mark.parametrize(
    "args, message",
    [
        (["generate"], "Name the service"),
        (["generate", "nope"], "No service with slug 'nope'"),
        (["generate", "pay-farmers", "--by", "nobody"], "No user ‘nobody’"),
        (["pay-farmers", "--format", "md"], "-o FILE"),
        (["pay-farmers", "extra", "-o", "x"], "Unexpected 'extra'"),
    ],
)
def test_generate_refuses_what_it_cannot_do(complete_service, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
