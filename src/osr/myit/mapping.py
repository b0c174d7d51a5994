"""How OSR's catalogue maps onto MyIT's tables, fields and values.

Nothing public says how MyIT is configured, so every table name, field name
and value below is configuration. The defaults follow ServiceNow's Common
Service Data Model; a YAML or JSON file named by ``OSR_MYIT_MAPPING_FILE``
overrides any of them, for example::

    tables: {service: cmdb_ci_service}
    service_fields: {data_owner: u_data_owner, status: null}
    life_cycle: {live: [Operational, In Use]}
    required_fields: {service: [name, owned_by, support_group]}
    retired_component: {install_status: null, life_cycle_stage: End of Life}

A key given ``null`` is taken out of a default mapping.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _d(**values: Any):
    return field(default_factory=lambda: dict(values))


@dataclass(frozen=True)
class Mapping:
    """Tables, fields and values OSR writes to and reads from MyIT."""

    tables: dict[str, str] = _d(
        service="cmdb_ci_service_business",
        offering="service_offering",
        component="cmdb_ci_service_auto",
        relationship="cmdb_rel_ci",
        relationship_type="cmdb_rel_type",
        group="sys_user_group",
        group_member="sys_user_grmember",
        user="sys_user",
        change="change_request",
    )
    # Every record OSR creates carries a stable id in this field, so that a rerun
    # finds it (even if its sys_id was never stored here) instead of creating it again.
    correlation_field: str = "correlation_id"
    correlation_prefix: str = "osr"
    # OSR's name for a value -> the field of the business service holding it.
    service_fields: dict[str, str] = _d(
        name="name",
        description="short_description",
        data_owner="owned_by",  # LV-1: who owns and maintains the service's data in MyIT
        service_owner="managed_by",
        support_group="support_group",
        change_group="change_control",
        criticality="busines_criticality",  # ServiceNow's own spelling
        status="operational_status",
        life_cycle_stage="life_cycle_stage",
        life_cycle_status="life_cycle_stage_status",
    )
    offering_fields: dict[str, str] = _d(
        name="name",
        parent="parent",
        support_group="support_group",
        change_group="change_control",
        status="operational_status",
        life_cycle_stage="life_cycle_stage",
        life_cycle_status="life_cycle_stage_status",
    )
    component_fields: dict[str, str] = _d(
        name="name",
        description="short_description",
        support_group="support_group",
        status="operational_status",
        life_cycle_stage="life_cycle_stage",
        life_cycle_status="life_cycle_stage_status",
    )
    # The support contact's address is the email of the service's support group.
    group_fields: dict[str, str] = _d(name="name", email="email", description="description")
    relationship_fields: dict[str, str] = _d(parent="parent", child="child", type="type")
    user_email_field: str = "email"
    member_group_field: str = "group"
    depends_on: str = "Depends on::Used by"
    # Names of the groups OSR keeps for a service: {name} is the service's name and
    # {slug} its slug. A group is looked for by name only until its sys_id is known;
    # from then on it is known by its sys_id, whatever MyIT renames it to.
    support_group_name: str = "{name} support"
    change_group_name: str = "{name} change approval"
    offering_name: str = "{name}"
    criticality: dict[str, str] = _d(critical="1 - most critical", not_critical="4 - not critical")
    # ServiceNow's operational_status choices: 1 Operational, 6 Retired, 7 Pipeline.
    operational_status: dict[str, str] = _d(
        discovery="7", alpha="7", private_beta="7", public_beta="7", live="1", retired="6"
    )
    # CSDM's life cycle, which drives instances that have turned it on (operational_status
    # then changes nothing): OSR's phase -> [life_cycle_stage, life_cycle_stage_status].
    # Check the pairs against the instance's life_cycle_control table.
    life_cycle: dict[str, list[str]] = _d(
        discovery=["Ideation", "Draft"],
        alpha=["Design", "In Design"],
        private_beta=["Deploy", "In Progress"],
        public_beta=["Deploy", "In Progress"],
        live=["Operational", "In Use"],
        retired=["End of Life", "Retired"],
    )
    # What a component removed from OSR becomes in MyIT: these fields are set on its
    # CI (ServiceNow's operational_status 6 and install_status 7 both mean Retired),
    # and the relationships OSR made to it are deleted. CIs are retired, never
    # deleted, so that incidents and changes that name them keep their history.
    retired_component: dict[str, str] = _d(
        operational_status="6",
        install_status="7",
        life_cycle_stage="End of Life",
        life_cycle_stage_status="Retired",
    )
    # PUB-1: the fields that must be filled in on each record for MyIT to be complete.
    required_fields: dict[str, list[str]] = _d(
        service=[
            "name",
            "short_description",
            "owned_by",
            "managed_by",
            "support_group",
            "change_control",
            "busines_criticality",
            "operational_status",
        ],
        offering=["name", "parent", "support_group", "change_control", "operational_status"],
        component=["name", "support_group"],
    )
    # Changes raised from developer tooling.
    change_fields: dict[str, str] = _d(
        short_description="short_description",
        description="description",
        business_service="business_service",
        service_offering="service_offering",
        cmdb_ci="cmdb_ci",
        assignment_group="assignment_group",
        chg_model="chg_model",
        link="u_external_link",
    )
    change_models: dict[str, str] = _d(standard="Standard", normal="DevOps")
    # How many services are read from MyIT together; bigger batches mean fewer requests.
    batch_size: int = 40

    def table(self, kind: str) -> str:
        return self.tables[kind]

    def correlation_id(self, *parts: str) -> str:
        return ":".join([self.correlation_prefix, *parts])


_cache: dict[tuple[str, float], Mapping] = {}


def current_mapping() -> Mapping:
    """The mapping in force: the defaults, overridden by ``OSR_MYIT_MAPPING_FILE``.

    Kept per file and modification time, so an edited file is read again.
    """
    name = getattr(settings, "OSR_MYIT_MAPPING_FILE", "")
    if not name:
        return Mapping()
    path = Path(name)
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as error:
        raise ImproperlyConfigured(f"OSR_MYIT_MAPPING_FILE {name}: {error}") from error
    if key not in _cache:
        _cache.clear()
        _cache[key] = mapping_from(yaml.safe_load(path.read_text()) or {})
    return _cache[key]


def mapping_from(overrides: dict[str, Any]) -> Mapping:
    """The defaults with some values replaced; a dict merges into the default dict."""
    defaults = Mapping()
    known = {f.name for f in dataclasses.fields(Mapping)}
    unknown = set(overrides) - known
    if unknown:
        raise ImproperlyConfigured(f"Unknown MyIT mapping settings: {', '.join(sorted(unknown))}")
    changes: dict[str, Any] = {}
    for name, value in overrides.items():
        default = getattr(defaults, name)
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ImproperlyConfigured(f"MyIT mapping {name} must be a mapping")
            # A key given no value (``install_status: null``) is left out altogether.
            merged = default | value
            changes[name] = {k: v for k, v in merged.items() if v is not None}
        else:
            changes[name] = type(default)(value)
    return dataclasses.replace(defaults, **changes)
