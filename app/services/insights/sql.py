"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class bucket_index(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """``bucket_index(column, origin, seconds)``: which bucket of ``seconds`` after ``origin``
    a datetime falls into (0, 1, 2 …); use only on rows at or after ``origin``."""

    type = Integer()
    inherit_cache = True
    name = "bucket_index"


@compiles(bucket_index, "sqlite")
def _bucket_sqlite(element, compiler, **kw):
    column, origin, size = list(element.clauses)
    return (f"CAST((julianday({compiler.process(column, **kw)}) - "
            f"julianday({compiler.process(origin, **kw)})) * 86400.0 / "
            f"{compiler.process(size, **kw)} AS INTEGER)")


@compiles(bucket_index, "postgresql")
def _bucket_postgresql(element, compiler, **kw):
    column, origin, size = list(element.clauses)
    return (f"CAST(FLOOR(EXTRACT(EPOCH FROM ({compiler.process(column, **kw)} - "
            f"CAST({compiler.process(origin, **kw)} AS TIMESTAMP))) / "
            f"{compiler.process(size, **kw)}) AS INTEGER)")


def buckets(column, origin: datetime, seconds: int):
    """The bucket expression for ``column``."""
    from sqlalchemy import literal

    return bucket_index(column, literal(origin), literal(int(seconds)))
