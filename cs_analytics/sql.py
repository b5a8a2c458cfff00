"""Quoting for the few places where DuckDB takes no bound parameter (ATTACH, COPY, identifiers).

Values are escaped, never pasted: a path or a column name from a user's file
cannot change the statement.
"""


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
