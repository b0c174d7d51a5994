"""A Backstage entity's links as a service's repositories, dashboards and runbooks.

``metadata.links`` are sorted by their ``type``, ``icon`` or title (a Grafana
dashboard, a runbook, a GitHub repository); the annotations Backstage's own
plugins use for source code add repositories. A link of no such kind is not
kept. An import adds links to those a service has and never removes one.
"""

from __future__ import annotations

from typing import Any

from .backstage_parse import Entity

FIELDS = {
    "repository_urls": ("repo", "source", "github", "gitlab", "bitbucket", "azure-devops", "code"),
    "dashboard_urls": ("dashboard", "grafana", "monitor", "metrics", "kibana", "status"),
    "runbook_urls": ("runbook", "playbook", "on-call", "oncall", "incident"),
}


def kind_of_link(link: dict[str, Any]) -> str | None:
    """The service field a link belongs in, or None."""
    said = " ".join(str(link.get(key) or "").lower() for key in ("type", "icon", "title"))
    for field, words in FIELDS.items():
        if any(word in said for word in words):
            return field
    return None


def _web(url: Any) -> bool:
    return isinstance(url, str) and url.startswith(("https://", "http://"))


def links_of(entity: Entity) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {field: [] for field in FIELDS}
    links = entity.metadata.get("links")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and _web(link.get("url")):
            field = kind_of_link(link)
            if field:
                found[field].append(link["url"])
    annotations = entity.metadata.get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    source = str(annotations.get("backstage.io/source-location") or "")
    if source.startswith("url:") and _web(source[4:]):
        found["repository_urls"].append(source[4:].rstrip("/"))
    project = annotations.get("github.com/project-slug")
    if isinstance(project, str) and project.count("/") == 1:
        found["repository_urls"].append(f"https://github.com/{project}")
    return found


def service_links(entity: Entity, existing: Any) -> dict[str, list[str]]:
    """The link fields the entity adds to, each as the service's links and the new ones."""
    values = {}
    for field, urls in links_of(entity).items():
        before = list(getattr(existing, field, None) or [])
        added = [url for url in dict.fromkeys(urls) if url not in before]
        if added:
            values[field] = before + added
    return values


def unkept_links(entity: Entity) -> int:
    """How many of the entity's links fit no field of a service."""
    links = entity.metadata.get("links")
    return sum(
        1
        for link in (links if isinstance(links, list) else [])
        if not isinstance(link, dict) or kind_of_link(link) is None
    )
