"""Why a review board operation was refused, in words the user sees, field by field."""

from __future__ import annotations


class Refused(Exception):
    """An operation refused as a whole, with a message for each field it concerns.

    ``status`` says how the API answers: 422 for bad input, 409 when the input
    conflicts with what is already recorded (an outcome recorded twice, a
    service already on an open board).
    """

    def __init__(self, errors: dict[str, list[str]] | str, *, status: int = 422):
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors
        self.status = status

    @property
    def message(self) -> str:
        return str(self)


def conflict(message: str) -> Refused:
    return Refused(message, status=409)
