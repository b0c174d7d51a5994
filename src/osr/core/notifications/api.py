"""The API of a person's own notification settings: ``/api/v1/me/notifications``."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from pydantic import Field

from osr.core.api_contract import Input

from ..shortcuts import require
from .choices import Frequency, Kind
from .preferences import preferences_of, set_preferences

router = Router(tags=["Notifications"])


class PreferencesOut(Schema):
    # Every kind of notification -> "now", "digest" or "off".
    preferences: dict[str, str]


class PreferencesIn(Input):
    # kind -> "now", "digest" or "off"; kinds not named keep their setting.
    preferences: dict[str, str] = Field(
        json_schema_extra={
            "propertyNames": {"enum": list[Any](Kind.values)},
            "additionalProperties": {"type": "string", "enum": list[Any](Frequency.values)},
        }
    )


@router.get(
    "/me/notifications",
    response=PreferencesOut,
    summary="How often you hear of each kind of notification",
)
def my_notification_settings(request):
    require(request, "core.change_own_notification_settings")
    return {"preferences": preferences_of(request.user)}


@router.put(
    "/me/notifications",
    response=PreferencesOut,
    summary="Choose, per kind of notification: now, a daily digest, or off",
)
def change_my_notification_settings(request, body: PreferencesIn):
    require(request, "core.change_own_notification_settings")
    return {"preferences": set_preferences(request.user, body.preferences)}
