"""What a reviewer typed into the review page, turned into a field's type.

Strings stay strings, numbers are parsed (full-width digits too), lists of
units split on 、 , ; or new lines, and anything else is read as JSON.
"""
from __future__ import annotations

import json
import unicodedata
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import regex
from pydantic import BaseModel

from pipeline.corrections import checked_pointer, quote
from pipeline.model import CatalogueItem, Task  # noqa: F401  (used by the doctests)

_UNIT_SEPARATORS = regex.compile(r"""
    [、,,]   # enumeration comma, comma, full-width comma
    | \n     # or one unit a line
""", regex.VERBOSE)
_WHOLE_NUMBER = regex.compile(r"[+-]?\d+")
_TRUE, _FALSE = frozenset({"true", "yes", "是", "1"}), frozenset({"false", "no", "否", "0"})


def parse_typed_value(record: BaseModel | type[BaseModel], field: str, text: str) -> Any:
    """What a reviewer typed for `field` of `record` (or of a record type), in the field's type.

    Strings stay strings, numbers are parsed, lists of units are split, and
    JSON is read for anything else; an empty box clears a field that may be
    null.

    >>> parse_typed_value(CatalogueItem, "/min_age", "80")
    80
    >>> parse_typed_value(CatalogueItem, "/target_group", " 80周岁及以上老年人 ")
    '80周岁及以上老年人'
    >>> parse_typed_value(CatalogueItem, "/standard", "")
    >>> parse_typed_value(CatalogueItem, "/amounts/0/value", "１２.５")
    12.5
    >>> parse_typed_value(Task, "/lead_units", "县民政局、县财政局,县卫健局")
    ['县民政局', '县财政局', '县卫健局']
    >>> parse_typed_value(Task, "/deadline_years", "2025、2027")
    [2025, 2027]
    >>> parse_typed_value(CatalogueItem, "/flags", '[{"code": "checked", "reason": "审核"}]')
    [{'code': 'checked', 'reason': '审核'}]
    """
    model = record if isinstance(record, type) else type(record)
    return _typed(_annotation_at(model, checked_pointer(field).parts, field), text.strip())


def split_units(text: str) -> list[str]:
    """Units as a reviewer lists them: separated by 、 , , or new lines.

    >>> split_units("县民政局、县财政局,县卫健局\\n县医保局")
    ['县民政局', '县财政局', '县卫健局', '县医保局']
    """
    return [piece.strip() for piece in _UNIT_SEPARATORS.split(text) if piece.strip()]


def _annotation_at(model: type[BaseModel], parts: list[str], field: str) -> Any:
    annotation: Any = model
    for part in parts:
        options, _nullable = _options(annotation)
        inner = options[0] if len(options) == 1 else None
        if isinstance(inner, type) and issubclass(inner, BaseModel) and part in inner.model_fields:
            annotation = inner.model_fields[part].annotation
        elif get_origin(inner) is list:
            annotation = get_args(inner)[0]
        elif get_origin(inner) is dict:
            annotation = get_args(inner)[1]
        elif get_origin(inner) is tuple and part.isdigit() and int(part) < len(get_args(inner)):
            annotation = get_args(inner)[int(part)]
        else:
            raise ValueError(f"{model.__name__} has no field {field}")
    return annotation


def _typed(annotation: Any, text: str) -> Any:
    options, nullable = _options(annotation)
    if nullable and text in ("", "null"):
        return None
    if options == (str,):
        return text
    if options and set(options) <= {int, float}:
        return _number(text, whole=options == (int,))
    if options == (bool,) and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if (len(options) == 1 and get_origin(options[0]) is list
            and get_args(options[0])[0] in (str, int) and not text.startswith("[")):
        return [_typed(get_args(options[0])[0], unit) for unit in split_units(text)]
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{quote(text)} is not JSON: {error.msg}") from None


def _options(annotation: Any) -> tuple[tuple[Any, ...], bool]:
    """The types an annotation allows apart from None, and whether it allows None."""
    if get_origin(annotation) in (Union, UnionType):
        args = get_args(annotation)
        return tuple(arg for arg in args if arg is not NoneType), NoneType in args
    return (annotation,), False


def _number(text: str, whole: bool) -> int | float:
    normal = unicodedata.normalize("NFKC", text).replace(",", "")
    if _WHOLE_NUMBER.fullmatch(normal):
        return int(normal)
    if not whole:
        try:
            return float(normal)
        except ValueError:
            pass
    raise ValueError(f"{quote(text)} is not a {'whole ' if whole else ''}number")
