"""Values read by SQL the ORM wrote once, converted as the ORM converts what it reads.

A few hot statements are written by the ORM once a process and then run directly
(the token lookup, the graph index's rows): their rows must come out as the ORM's
own would, SQLite's dates and booleans included.
"""

from __future__ import annotations

from typing import Any

Converters = list[tuple[int, tuple[list, Any]]]


def converters_of(compiler) -> Converters:
    """The conversions of the columns a compiled query selects, by position."""
    selected = [expression for expression, _sql, _alias in compiler.select]
    return list(compiler.get_converters(selected).items())


def converted(row, converters: Converters, connection) -> list:
    """The row's values, each through its column's conversions."""
    values = list(row)
    for position, (functions, expression) in converters:
        value = values[position]
        for convert in functions:
            value = convert(value, expression, connection)
        values[position] = value
    return values
