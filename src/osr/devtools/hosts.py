"""What each code host sends: how it proves it knows the secret, and what a delivery says.

Plain functions over headers (lower-case names) and the raw body. ``verify``
answers whether the delivery is authentic; ``read`` turns an authentic one
into a ``Delivery`` to raise a change for, ``None`` for an event that raises
no change, or raises ``Malformed``.

A delivery id travels in a header the secret does not cover, and a code host
sends one event again under a new delivery id, so an event is known by what
the signed body says it is (``Delivery.event_key``), as each host documents
its payloads:

- GitHub: ``X-Hub-Signature-256`` is the HMAC-SHA256 of the body keyed by the
  secret. A ``deployment`` event (known by ``deployment.id``), or a ``release``
  being published (``release.id`` and the action), raises a change;
  ``deployment_status`` events raise none, the deployment having raised it.
- GitLab: ``X-Gitlab-Token`` is the secret itself. A deployment event whose
  status is ``success`` (known by ``deployment_id``) raises a change.
- Azure DevOps: the service hook's basic authentication password is the secret
  (any user name), or the header ``X-OSR-Webhook-Secret: <secret>`` added in
  the hook's "HTTP headers". A "release deployment completed" event that
  succeeded (known by ``resource.deployment.id``, else by the event's type and
  ``id``) raises a change.

Only http and https links are kept from a delivery (``web_link``).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .choices import Host
from .signing import github_signature, matches, same, unsealed

# Hosts whose proof is a signature, so that verifying needs the secret itself.
NEEDS_SECRET = frozenset({Host.GITHUB})


class Malformed(ValueError):
    """A delivery that is authentic but cannot be read."""


@dataclass(frozen=True)
class Delivery:
    """One event from a code host that should raise a change."""

    delivery_id: str
    event: str
    summary: str
    event_key: str = ""
    description: str = ""
    link_url: str = ""
    commit_sha: str = ""
    environment: str = ""


def verify(host: str, kept: list[str], headers: dict[str, str], body: bytes) -> bool:
    """Whether the delivery proves it was sent by someone holding one of the kept secrets."""
    if host == Host.GITHUB:
        given = headers.get("x-hub-signature-256", "")
        secrets = [s for s in (unsealed(k) for k in kept) if s]
        return bool(given) and any(same(given, github_signature(s, body)) for s in secrets)
    if host == Host.GITLAB:
        given = headers.get("x-gitlab-token", "")
    elif host == Host.AZURE_DEVOPS:
        given = headers.get("x-osr-webhook-secret", "") or _basic_password(
            headers.get("authorization", "")
        )
    else:
        return False
    return any(matches(k, given) for k in kept)


def web_link(value: object) -> str:
    """The value when it is an absolute http or https address, else nothing.

    A link from a delivery is shown as an ``href`` and sent to MyIT, so a
    ``javascript:`` or ``data:`` address, or a relative one, is never kept.
    """
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return text[:1000]


def read(host: str, headers: dict[str, str], body: bytes) -> Delivery | None:
    """The delivery's change, ``None`` for an event that raises none, or ``Malformed``."""
    payload = _payload(headers, body)
    if host == Host.GITHUB:
        return _github(headers, payload)
    if host == Host.GITLAB:
        return _gitlab(headers, payload)
    return _azure_devops(payload)


def _github(headers: dict[str, str], payload: dict[str, Any]) -> Delivery | None:
    delivery_id = _required(headers.get("x-github-delivery", ""), "X-GitHub-Delivery header")
    event = headers.get("x-github-event", "")
    repository = payload.get("repository")
    repository = repository if isinstance(repository, dict) else {}
    repo = str(repository.get("full_name") or repository.get("name") or "the repository")
    repo_url = str(repository.get("html_url") or "")
    if event == "deployment":
        deployment = _object(payload, "deployment")
        deployment_id = _required(str(deployment.get("id") or ""), "deployment.id")
        sha = _required(str(deployment.get("sha") or ""), "deployment.sha")
        environment = str(deployment.get("environment") or "")
        ref = str(deployment.get("ref") or sha[:7])
        return Delivery(
            delivery_id=delivery_id,
            event="github deployment",
            event_key=f"deployment:{deployment_id}",
            summary=f"Deploy {repo} {ref} to {environment or 'an environment'}",
            description=str(deployment.get("description") or ""),
            link_url=web_link(f"{repo_url}/commit/{sha}" if repo_url else ""),
            commit_sha=sha,
            environment=environment,
        )
    if event == "release":
        if payload.get("action") != "published":
            return None
        release = _object(payload, "release")
        release_id = _required(str(release.get("id") or ""), "release.id")
        tag = _required(str(release.get("tag_name") or ""), "release.tag_name")
        return Delivery(
            delivery_id=delivery_id,
            event="github release",
            event_key=f"release:{release_id}:published",
            summary=f"Release {repo} {tag}",
            description=str(release.get("name") or release.get("body") or "")[:2000],
            link_url=web_link(release.get("html_url")),
            commit_sha=str(release.get("target_commitish") or ""),
        )
    return None  # ping, and events that are not changes


def _gitlab(headers: dict[str, str], payload: dict[str, Any]) -> Delivery | None:
    delivery_id = _required(
        headers.get("idempotency-key", "") or headers.get("x-gitlab-event-uuid", ""),
        "Idempotency-Key or X-Gitlab-Event-UUID header",
    )
    if payload.get("object_kind") != "deployment":
        return None
    if payload.get("status") != "success":
        return None
    project = payload.get("project")
    project = project if isinstance(project, dict) else {}
    name = str(project.get("path_with_namespace") or project.get("name") or "the project")
    environment = str(payload.get("environment") or "")
    sha = str(payload.get("short_sha") or "")
    ref = str(payload.get("ref") or sha)
    deployment_id = _required(str(payload.get("deployment_id") or ""), "deployment_id")
    return Delivery(
        delivery_id=delivery_id,
        event="gitlab deployment",
        event_key=f"deployment:{deployment_id}",
        summary=f"Deploy {name} {ref} to {environment or 'an environment'}",
        description=str(payload.get("commit_title") or ""),
        link_url=web_link(payload.get("deployable_url")) or web_link(payload.get("commit_url")),
        commit_sha=sha,
        environment=environment,
    )


def _azure_devops(payload: dict[str, Any]) -> Delivery | None:
    delivery_id = _required(str(payload.get("id") or ""), "id")
    event_type = payload.get("eventType")
    if event_type != "ms.vss-release.deployment-completed-event":
        return None
    resource = _object(payload, "resource")
    deployment = resource.get("deployment")
    deployment_id = str(deployment.get("id") or "") if isinstance(deployment, dict) else ""
    environment = _object(resource, "environment")
    if environment.get("status") not in ("succeeded", "partiallySucceeded"):
        return None
    release = environment.get("release") or resource.get("release") or {}
    if not isinstance(release, dict):
        raise Malformed("resource.environment.release is not an object")
    web = ((release.get("_links") or {}).get("web") or {}).get("href", "")
    name = str(release.get("name") or "a release")
    stage = str(environment.get("name") or "")
    project = (resource.get("project") or {}).get("name", "")
    message = (payload.get("message") or {}).get("text", "")
    return Delivery(
        delivery_id=delivery_id,
        event="azure devops release deployment",
        event_key=(
            f"deployment:{deployment_id[:200]}" if deployment_id else f"{event_type}:{delivery_id}"
        ),
        summary=" ".join(p for p in ["Deploy", project, name, "to", stage or "a stage"] if p),
        description=str(message),
        link_url=web_link(web),
        environment=stage,
    )


def _payload(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The JSON object of the body; GitHub may also send it form-encoded as ``payload``."""
    try:
        text = body.decode("utf-8")
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            text = parse_qs(text).get("payload", [""])[0]
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise Malformed("The body is not JSON") from error
    if not isinstance(value, dict):
        raise Malformed("The body is not a JSON object")
    return value


def _object(parent: dict[str, Any], name: str) -> dict[str, Any]:
    value = parent.get(name)
    if not isinstance(value, dict):
        raise Malformed(f"{name} is missing or not an object")
    return value


def _required(value: str, name: str) -> str:
    if not value.strip():
        raise Malformed(f"{name} is missing")
    return value.strip()[:200]


def _basic_password(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value).decode("utf-8").partition(":")[2]
    except (binascii.Error, UnicodeDecodeError):
        return ""
