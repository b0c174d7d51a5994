"""A browser without a screen: it follows links and submits forms as they are shown.

Tests built on it see OSR as a person does: the pages the site links to, and each
form with exactly the values a browser would send for it (the selected option of
each drop-down, ticked boxes only, nothing from a disabled field).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

# Addresses a person's browser does not open as a page: the API, Django's admin,
# webhooks, sign-in round trips and downloads.
NOT_PAGES = ("/api/", "/admin/", "/hooks/", "/oidc/", "/static/", "/metrics", "/export/")


@dataclass
class Form:
    """A form on a page, with what a browser would send if its first button were pressed."""

    page: str
    action: str
    fields: list[tuple[str, str]]
    names: set[str]

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def as_post(self) -> dict[str, list[str]]:
        data: dict[str, list[str]] = defaultdict(list)
        for name, value in self.fields:
            data[name].append(value)
        return dict(data)


def _select_values(element) -> list[str]:
    options = element.xpath(".//option")
    chosen = [option for option in options if option.get("selected") is not None]
    if not chosen and options and element.get("multiple") is None:
        chosen = options[:1]  # a browser shows, and sends, the first option
    return [option.get("value", option.text_content()) for option in chosen]


def forms_of(html: str, page: str) -> list[Form]:
    """Every POST form of a page, serialised as a browser would submit it."""
    document = lxml.html.fromstring(html)
    found = []
    for form in document.forms:
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: list[tuple[str, str]] = []
        names: set[str] = set()
        pressed = False
        for element in form.xpath(".//input|.//select|.//textarea|.//button"):
            name = element.get("name")
            if not name:
                continue
            names.add(name)
            if element.get("disabled") is not None:
                continue
            tag = element.tag
            kind = (element.get("type") or ("submit" if tag == "button" else "text")).lower()
            if tag == "select":
                fields += [(name, value) for value in _select_values(element)]
            elif tag == "textarea":
                # Browsers drop the one newline that may follow <textarea>.
                fields.append((name, (element.text or "").removeprefix("\n")))
            elif kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    fields.append((name, element.get("value", "on")))
            elif kind in ("submit", "image"):
                if not pressed:
                    fields.append((name, element.get("value", "")))
                    pressed = True
            elif kind not in ("file", "reset", "button"):
                fields.append((name, element.get("value", "")))
        action = urljoin(page, form.get("action") or page)
        found.append(Form(page=page, action=action, fields=fields, names=names))
    return found


def route_of(path: str) -> str | None:
    """The URL pattern a path resolves to, as written in the URL map."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.route


def section_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).kwargs.get("section")
    except Resolver404:
        return None


def page_routes() -> set[str]:
    """Every route in the URL map that could be a page."""
    routes: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if not ("/" + route).startswith(NOT_PAGES):
                    routes.add(route)

    walk(get_resolver().url_patterns, "")
    return routes


@dataclass
class Crawl:
    """The pages reached from a starting set by following links, a few per route."""

    client: Client
    per_route: int = 2
    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML
    downloads: set[str] = field(default_factory=set)  # links a browser saves, not shows
    statuses: dict[str, int] = field(default_factory=dict)

    def run(self, *starts: str) -> Crawl:
        queue = list(starts)
        seen_per_route: dict[tuple, int] = defaultdict(int)
        seen: set[str] = set()
        while queue:
            path = queue.pop(0)
            route = route_of(path)
            # Each section of a service is its own page, though one route serves them all.
            kind = (route, section_of(path))
            if path in seen or route is None or seen_per_route[kind] >= self.per_route:
                continue
            seen.add(path)
            seen_per_route[kind] += 1
            response = self.client.get(path)
            self.statuses[path] = response.status_code
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            self.pages[path] = html
            queue += [link for link in self.links(html, path) if link not in seen]
        return self

    def links(self, html: str, page: str) -> list[str]:
        document = lxml.html.fromstring(html)
        found = []
        for anchor in document.xpath("//a[@href]"):
            target = urlsplit(urljoin(page, anchor.get("href")))
            if target.netloc not in ("", "testserver") or target.path.startswith(NOT_PAGES):
                continue
            if anchor.get("download") is not None or target.path.endswith(".pdf"):
                self.downloads.add(target.path)
            else:
                found.append(target.path)
        return found

    def routes(self) -> set[str]:
        """The routes of the pages opened and of the files offered for download."""
        paths = [*self.pages, *self.downloads]
        return {route for path in paths if (route := route_of(path)) is not None}

    def forms(self) -> list[Form]:
        return [form for path, html in self.pages.items() for form in forms_of(html, path)]
