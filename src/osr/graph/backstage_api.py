"""Reading a running Backstage's catalogue through its API, for ``osr import backstage --url``.

Backstage serves its entities at ``GET /api/catalog/entities/by-query``, a page at a
time: the first request gives ``limit``, each answer gives ``items`` and, while more
remain, ``pageInfo.nextCursor``, which the next request sends instead of the query.
A token is sent as ``Authorization: Bearer``, as Backstage's external access expects.

The entities are read as if they were one descriptor file of documents, so that they
go through exactly the checks, mapping and report of an import of files. Two things
differ: the catalogue adds ``relations``, ``status`` and metadata of its own to each
entity (left out here, as no file holds them), and its Locations are not followed,
since the catalogue has already read what they name and serves it among the entities.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from osr.core.refusals import Refusal

from .backstage_locations import ENVELOPE, Catalogue, UploadedFiles, read_catalogue

ENTITIES = "/api/catalog/entities/by-query"
PAGE_SIZE = 500
# Bounds what one import holds in memory: far more than any estate OSR keeps.
MAX_ENTITIES = 200_000
TIMEOUT_SECONDS = 60
# What the catalogue adds to each entity it serves (no descriptor file holds them).
CATALOGUE_METADATA = {"uid", "etag", "generation"}


class BackstageUnavailable(Refusal):
    """The catalogue API could not be read: the import saves nothing."""


def fetch_entities(base_url: str, token: str | None, *, transport=None) -> list[dict[str, Any]]:
    """Every entity the catalogue serves, page by page."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    base = base_url.rstrip("/")
    entities: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": PAGE_SIZE}
    with httpx.Client(headers=headers, timeout=TIMEOUT_SECONDS, transport=transport) as client:
        while True:
            answer = _page(client, base + ENTITIES, params)
            entities += answer["items"]
            if len(entities) > MAX_ENTITIES:
                raise BackstageUnavailable(
                    f"The catalogue at {base} holds more than {MAX_ENTITIES:,} entities"
                )
            cursor = (answer.get("pageInfo") or {}).get("nextCursor")
            if not cursor or not answer["items"]:
                return entities
            params = {"limit": PAGE_SIZE, "cursor": cursor}


def _page(client: httpx.Client, url: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        response = client.get(url, params=params)
    except httpx.HTTPError as error:
        raise BackstageUnavailable(f"Cannot reach the catalogue at {url}: {error}") from error
    if response.status_code != 200:
        raise BackstageUnavailable(
            f"The catalogue at {url} answered {response.status_code}: {_reason(response)}"
        )
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("items"), list):
        raise BackstageUnavailable(f"{url} did not answer as Backstage's catalogue API does")
    return answer


def _reason(response: httpx.Response) -> str:
    """Backstage's own words for a refusal (``{"error": {"name", "message"}}``)."""
    try:
        error = response.json().get("error") or {}
        return f"{error.get('name', 'Error')}: {error.get('message', '')}".strip(": ")
    except (ValueError, AttributeError):
        return response.reason_phrase or "no reason given"


def as_documents(entities: list[dict[str, Any]]) -> tuple[str, int]:
    """The entities as one text of YAML documents (JSON is YAML), without what the
    catalogue adds of its own and without its Locations; and how many Locations."""
    documents, locations = [], 0
    for entity in entities:
        if not isinstance(entity, dict):
            documents.append(json.dumps(entity))  # refused by the import, with its place
            continue
        if entity.get("kind") == "Location":
            locations += 1
            continue
        kept = {key: value for key, value in entity.items() if key in ENVELOPE}
        if isinstance(kept.get("metadata"), dict):
            kept["metadata"] = {
                key: value
                for key, value in kept["metadata"].items()
                if key not in CATALOGUE_METADATA
            }
        documents.append(json.dumps(kept, indent=2, ensure_ascii=False))
    return "".join(f"---\n{document}\n" for document in documents), locations


def read_catalogue_api(
    base_url: str, token: str | None, *, strict: bool = False, transport=None
) -> tuple[Catalogue, int]:
    """What a running catalogue holds, read as the import reads files; and how many
    Locations it served (not followed)."""
    text, locations = as_documents(fetch_entities(base_url, token, transport=transport))
    # Named by host and path: problems are shown as "<this>, document N", line L.
    source = UploadedFiles([(f"{urlsplit(base_url).netloc}{ENTITIES}", text)])
    return read_catalogue([source], strict=strict), locations
