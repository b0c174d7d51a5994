"""Whether MyIT took what OSR wrote, and what to tell people when it refused.

ServiceNow ignores, without an error, a field a table does not have and a
field an ACL keeps the account from writing; a field it may not read is left
out of the answer. So each write's answer is compared with what was sent: a
field that did not take is reported on the service's MyIT page and is not
written again until OSR's value changes.
"""

from __future__ import annotations

from typing import Any

from .client import MyitError
from .plan import SyncOutcome, Wanted, plain


def untaken(w: Wanted, name: str, value: str) -> dict[str, str]:
    return {"key": w.key, "table": w.table, "field": name, "value": value}


def confirm(w: Wanted, sent: dict[str, str], answer: dict[str, Any], outcome: SyncOutcome) -> None:
    """Note each field of a write that MyIT's answer does not hold as sent."""
    for name, value in sent.items():
        if plain(answer.get(name)) != value:
            outcome.not_taken.append(untaken(w, name, value))


def explain(error: MyitError) -> str:
    """An error as the service's run shows it: for a refusal, the access OSR's account lacks."""
    if not error.refused:
        return str(error)
    operation, _, table = error.refused.partition(" ")
    return (
        f"{error} (OSR's MyIT account may not {operation} records in {table}: "
        f"ask MyIT to grant that access; `osr myit check` names the roles)"
    )
