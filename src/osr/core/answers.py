"""What an API answer is made from when the object alone does not hold all of it."""

from __future__ import annotations

from typing import Any


class With:
    """An object, with a few values its answer needs that it does not hold itself.

    ``With(action, today=today)`` reads ``today`` as given and every other name
    from the action, so that a response schema maps the object's own fields as
    usual and needs a resolver only for what depends on the added values (the
    day an action is overdue on, a secret shown once, evidence loaded apart).
    """

    def __init__(self, obj: Any, **values: Any) -> None:
        self.__dict__.update(values, _obj=obj)

    def __getattr__(self, name: str) -> Any:
        # Reached only for names not given, and never for dunders a copy or a
        # pickle looks up before ``_obj`` exists.
        if name.startswith("__") or "_obj" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["_obj"], name)

    def __repr__(self) -> str:
        return f"With({self.__dict__['_obj']!r})"
