"""The service navigation: each app adds its own sections in ``AppConfig.ready``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    order: int
    text: str
    url_name: str
    prefixes: tuple[str, ...]


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def nav_items() -> list[NavItem]:
    return list(_items)
