"""The service page's sections, and the panels higher apps put in them.

A service is shown as a few short pages under one heading with a sub-navigation
(overview, readiness, dependencies, …). The catalogue knows nothing of readiness
or the dependency graph; those apps register a section, a panel, or both, in
``AppConfig.ready``. A panel names the section it belongs to, so one app may add
to another's section (rehearsals sit beside the operations guide).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OVERVIEW = ""


@dataclass(frozen=True)
class ServiceSection:
    """One sub-page of a service: its place in the sub-navigation and its address."""

    order: int
    key: str  # the last part of the address; "" for the overview at the service's own address
    title: str


@dataclass(frozen=True)
class ServicePanel:
    """A part of a section: a template and what it needs."""

    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any]]  # (request, service) -> context
    section: str = OVERVIEW


_sections: dict[str, ServiceSection] = {}
_panels: dict[str, ServicePanel] = {}


def register_service_section(section: ServiceSection) -> None:
    _sections[section.key] = section


def register_service_panel(name: str, panel: ServicePanel) -> None:
    _panels[name] = panel


def service_sections() -> list[ServiceSection]:
    return sorted(_sections.values(), key=lambda s: s.order)


def section_named(key: str) -> ServiceSection | None:
    return _sections.get(key)


def service_panels(request, service, section: str = OVERVIEW) -> list[tuple[str, dict[str, Any]]]:
    """Each panel of one section: its template and context, in order."""
    chosen = [panel for panel in _panels.values() if panel.section == section]
    return [
        (panel.template, panel.context(request, service))
        for panel in sorted(chosen, key=lambda p: p.order)
    ]


class SectionConverter:
    """Matches only a registered section, so other pages under a service still resolve."""

    regex = "[a-z][a-z-]*"

    def to_python(self, value: str) -> str:
        if value not in _sections:
            raise ValueError(value)  # Django then tries the next pattern
        return value

    def to_url(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class GroupPanel:
    """A part of a delivery group's page that a higher app adds (readiness trends)."""

    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any]]  # (request, group) -> context


_group_panels: dict[str, GroupPanel] = {}


def register_group_panel(name: str, panel: GroupPanel) -> None:
    _group_panels[name] = panel


def group_panels(request, group) -> list[tuple[str, dict[str, Any]]]:
    """Each panel of a delivery group's page: its template and context, in order."""
    return [
        (panel.template, panel.context(request, group))
        for panel in sorted(_group_panels.values(), key=lambda p: p.order)
    ]
