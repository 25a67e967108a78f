"""The claims file schema (format 1), validated by pydantic v2's validation engine, pydantic-core.

The schema checks structure and types only: unknown fields are refused, and every field's type is what
the contract says. What a string *means* (a value, a period, an expression) is judged afterwards by
:mod:`factcheck._claims`, which knows where each string sits in the file.

It is written in pydantic-core's schema language (``pydantic_core.core_schema``) rather than as
``pydantic.BaseModel`` classes: importing pydantic and building the eight models cost 0.3 s of CPU at
every start of the command (measured), building this validator 0.2 ms after a 0.04 s import. The
validation, the error types and the messages are pydantic's own. A record validates to a plain dict
holding the fields that were given; a field left out is absent (:data:`REFERENCE_DEFAULTS` says
what a reference's missing fields mean).
"""

from __future__ import annotations

from typing import Any

from pydantic_core import SchemaValidator
from pydantic_core import core_schema as cs

_STR = cs.str_schema()
_INT = cs.int_schema()
_FLOAT = cs.float_schema()
_STRICT_BOOL = cs.bool_schema(strict=True)


def _union(*choices: tuple[Any, str]) -> Any:
    """A union whose members are named in error locations as pydantic names them ('str', 'int' …)."""
    return cs.union_schema(list(choices))


_SCALAR = _union((_STR, "str"), (_INT, "int"), (_FLOAT, "float"))
_STR_LIST = cs.list_schema(_STR)
_STR_MAP = cs.dict_schema(_STR, _STR)


def _optional(schema: Any) -> Any:
    return cs.nullable_schema(schema)


def _record(title: str, required: dict[str, Any], optional: dict[str, Any]) -> Any:
    """A mapping with these fields and no others ('extra_forbidden' for any other)."""
    fields = {k: cs.typed_dict_field(v, required=True) for k, v in required.items()}
    fields.update({k: cs.typed_dict_field(v, required=False) for k, v in optional.items()})
    return cs.typed_dict_schema(fields, extra_behavior="forbid", cls_name=title)


STRUCTURED_VALUE = _record(
    "StructuredValue",
    {"number": _union((_INT, "int"), (_FLOAT, "float"), (_STR, "str"))},
    {"unit": _optional(_STR), "scale": _optional(_STR), "hedge": _optional(_STR),
     "precision": _optional(_union((_INT, "int"), (_FLOAT, "float")))},
)

DOCUMENT = _record("DocumentModel", {}, {
    "path": _optional(_STR), "title": _optional(_STR),
    "published": _optional(_union((_STR, "str"), (_INT, "int"))), "url": _optional(_STR),
})

REFERENCE = _record("ReferenceModel", {"path": _STR}, {
    "layout": cs.literal_schema(["auto", "tidy", "wide"]),
    "scale": _optional(_STR), "unit": _optional(_STR), "source": _optional(_STR),
    "set": cs.dict_schema(_STR, _SCALAR), "columns": _STR_MAP, "aliases": _STR_LIST,
    "decimal": cs.literal_schema([".", ","]),
    "engine": _optional(cs.literal_schema(["auto", "python", "duckdb"])),
})

KINDS = ("flow", "stock", "change", "share")

# Every claim field; in `defaults` all are optional.
_CLAIM_FIELDS: dict[str, Any] = {
    "id": _optional(_STR),
    "quote": _optional(_STR),
    "value": _optional(_union((_STR, "str"), (_INT, "int"), (_FLOAT, "float"), (STRUCTURED_VALUE, "StructuredValue"))),
    "period": _optional(_union((_STR, "str"), (_INT, "int"))),
    "metric": _optional(_STR),
    "subject": _optional(_STR),
    "partner": _optional(_STR),
    "where": _optional(cs.dict_schema(_STR, _SCALAR)),
    "kind": _optional(cs.literal_schema(list(KINDS))),
    "compute": _optional(_union((_STR, "str"), (_STR_LIST, "list[str]"))),
    "tolerance": _optional(_union((_STR, "str"), (_INT, "int"), (_FLOAT, "float"))),
    "forecast": _optional(_STRICT_BOOL),
    "as_of": _optional(_STRICT_BOOL),
    "note": _optional(_STR),
    "tags": _optional(_STR_LIST),
    "ignore": _optional(_union((_STR_LIST, "list[str]"), (_STR_MAP, "dict[str,str]"))),
}

CLAIM = _record(
    "ClaimModel",
    {"id": _STR, "value": _union((_STR, "str"), (_INT, "int"), (_FLOAT, "float"), (STRUCTURED_VALUE, "StructuredValue"))},
    {k: v for k, v in _CLAIM_FIELDS.items() if k not in ("id", "value")},
)

DEFAULTS_RECORD = _record("DefaultsModel", {}, {
    **_CLAIM_FIELDS,
    "hedges": _optional(cs.dict_schema(cs.literal_schema(["about", "nearly"]), _SCALAR)),
})

RELATION = _record("RelationModel", {"expr": _STR}, {
    "id": _optional(_STR), "note": _optional(_STR),
    "ignore": _optional(_union((_STR_LIST, "list[str]"), (_STR_MAP, "dict[str,str]"))),
})

CLAIMS_FILE = _record("ClaimsFileModel", {"version": cs.literal_schema([1])}, {
    "document": _optional(DOCUMENT),
    "references": cs.list_schema(REFERENCE),
    "aliases": cs.dict_schema(_STR, _STR_LIST),
    "defaults": _optional(DEFAULTS_RECORD),
    "claims": cs.list_schema(CLAIM),
    "relations": cs.list_schema(_union((_STR, "str"), (RELATION, "RelationModel"))),
})

# What a reference's field left out means (a file's lists and mappings left out are empty).
REFERENCE_DEFAULTS: dict[str, Any] = {"layout": "auto", "set": {}, "columns": {}, "aliases": [], "decimal": "."}

_validator: SchemaValidator | None = None


def validate(data: Any) -> dict[str, Any]:
    """The claims file's data checked against the schema (raises pydantic_core.ValidationError)."""
    global _validator
    if _validator is None:
        _validator = SchemaValidator(CLAIMS_FILE)
    return _validator.validate_python(data)


def known_fields(loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at a location (for 'did you mean')."""
    schema: Any = CLAIMS_FILE
    for part in loc:
        if isinstance(part, int):
            continue
        field = _fields(schema).get(str(part))
        if field is None:
            break
        nxt = _record_in(field["schema"])
        if nxt is None:
            break
        schema = nxt
    return list(_fields(schema))


def _fields(schema: Any) -> dict[str, Any]:
    return schema.get("fields", {}) if schema.get("type") == "typed-dict" else {}


def _record_in(schema: Any) -> Any:
    """The record (typed dict) inside a field's schema: through nullable, list and union wrappers."""
    kind = schema.get("type")
    if kind == "typed-dict":
        return schema
    for inner in (schema.get("schema"), schema.get("items_schema")):
        if isinstance(inner, dict):
            found = _record_in(inner)
            if found is not None:
                return found
    for choice in schema.get("choices", ()):
        found = _record_in(choice[0] if isinstance(choice, tuple) else choice)
        if found is not None:
            return found
    return None
