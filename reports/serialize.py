"""Turn report dataclasses into JSON-ready values and back, guided by their type hints."""

from __future__ import annotations

import base64
import dataclasses
import math
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any, Union

import numpy as np


def to_jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value``: dataclasses become dicts, dates ISO strings, bytes
    base64, non-finite floats ``None``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_jsonable(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from what ``to_jsonable`` produced."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        for option in options:
            try:
                return from_jsonable(option, data)
            except (TypeError, ValueError):
                continue
        raise ValueError(f"cannot read {data!r} as {tp}")
    if origin is list:
        (item,) = typing.get_args(tp)
        return [from_jsonable(item, v) for v in _expect(data, list, tp)]
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(from_jsonable(args[0], v) for v in _expect(data, list, tp))
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        return {from_jsonable(key_type, k): from_jsonable(value_type, v)
                for k, v in _expect(data, dict, tp).items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        raw = _expect(data, dict, tp)
        kwargs = {f.name: from_jsonable(hints[f.name], raw[f.name])
                  for f in dataclasses.fields(tp) if f.init and f.name in raw}
        return tp(**kwargs)
    if tp is datetime:
        return datetime.fromisoformat(_expect(data, str, tp))
    if tp is date:
        return date.fromisoformat(_expect(data, str, tp))
    if tp is bytes:
        return base64.b64decode(_expect(data, str, tp), validate=True)
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"expected a number, got {data!r}")
        return float(data)
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise TypeError(f"expected an integer, got {data!r}")
        return data
    if tp in (str, bool):
        return _expect(data, tp, tp)
    if tp is Any:
        return data
    raise TypeError(f"unsupported type {tp!r}")


def _expect(data: Any, kind: type, tp: Any) -> Any:
    if not isinstance(data, kind):
        raise TypeError(f"expected {kind.__name__} for {tp}, got {type(data).__name__}")
    return data
