"""A stored version of the guide read back as the document model, with its document control."""

from __future__ import annotations

from osr.core.jinja import datetime as datetime_text

from .choices import Approver
from .document import Control, Guide
from .models import GuideVersion

APPROVER_PHRASES: dict[str, str] = {
    Approver.OSR_MANAGER: "OSR manager",
    Approver.LIVE_SERVICES_MANAGER: "live services manager",
}


def control_of(version: GuideVersion) -> Control:
    """Document control of a stored version: its number, status and approvals."""
    approvals = []
    for role in Approver.values:
        approval = version.approval_by(role)
        if approval:
            who, when = approval
            approvals.append((APPROVER_PHRASES[role], who, datetime_text(when)))
    generated_by = version.generated_by
    return Control(
        version=version.number,
        status=version.status,
        generated_at=datetime_text(version.generated_at),
        generated_by=(generated_by.get_full_name() or generated_by.get_username())
        if generated_by
        else "",
        approvals=approvals,
        approved_at=datetime_text(version.approved_at) if version.approved_at else "",
    )


def guide_of(version: GuideVersion) -> Guide:
    """A stored version's guide, exactly as generated, with its document control."""
    return Guide.from_dict(version.data).with_control(control_of(version))
