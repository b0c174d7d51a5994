"""Sections that higher apps add to the service page.

The catalogue's service page knows nothing of readiness or the dependency
graph; those apps register a panel here in ``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServicePanel:
    """A section of the service page: a template and what it needs."""

    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any]]  # (request, service) -> context


_panels: dict[str, ServicePanel] = {}


def register_service_panel(name: str, panel: ServicePanel) -> None:
    _panels[name] = panel


def service_panels(request, service) -> list[tuple[str, dict[str, Any]]]:
    """Each registered panel's template and context, in order."""
    return [
        (panel.template, panel.context(request, service))
        for panel in sorted(_panels.values(), key=lambda p: p.order)
    ]
