"""The claims file schema (format 1) as pydantic v2 models.

The models check structure and types only: unknown fields are refused, and every field's type is what
the contract says. What a string *means* (a value, a period, an expression) is judged afterwards by
:mod:`factcheck._claims`, which knows where each string sits in the file.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool

Scalar = Union[str, int, float]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StructuredValue(_Strict):
    number: Union[int, float, str]
    unit: str | None = None
    scale: str | None = None
    hedge: str | None = None
    precision: Union[int, float, None] = None


class DocumentModel(_Strict):
    path: str | None = None
    title: str | None = None
    published: Union[str, int, None] = None
    url: str | None = None


class ReferenceModel(_Strict):
    path: str
    layout: Literal["auto", "tidy", "wide"] = "auto"
    scale: str | None = None
    unit: str | None = None
    source: str | None = None
    set: dict[str, Scalar] = Field(default_factory=dict)
    columns: dict[str, str] = Field(default_factory=dict)
    aliases: list[str] = Field(default_factory=list)
    decimal: Literal[".", ","] = "."
    engine: Literal["auto", "python", "duckdb"] | None = None


Kind = Literal["flow", "stock", "change", "share"]


class ClaimFields(_Strict):
    """Every claim field; in `defaults` all are optional."""

    id: str | None = None
    quote: str | None = None
    value: Union[Scalar, StructuredValue, None] = None
    period: Union[str, int, None] = None
    metric: str | None = None
    subject: str | None = None
    partner: str | None = None
    where: dict[str, Scalar] | None = None
    kind: Kind | None = None
    compute: Union[str, list[str], None] = None
    tolerance: Union[str, int, float, None] = None
    forecast: StrictBool | None = None
    as_of: StrictBool | None = None
    note: str | None = None
    tags: list[str] | None = None
    ignore: Union[list[str], dict[str, str], None] = None


class ClaimModel(ClaimFields):
    id: str
    value: Union[Scalar, StructuredValue]


class DefaultsModel(ClaimFields):
    hedges: dict[Literal["about", "nearly"], Union[str, int, float]] | None = None


class RelationModel(_Strict):
    expr: str
    id: str | None = None
    note: str | None = None
    ignore: Union[list[str], dict[str, str], None] = None


class ClaimsFileModel(_Strict):
    version: Literal[1]
    document: DocumentModel | None = None
    references: list[ReferenceModel] = Field(default_factory=list)
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    defaults: DefaultsModel | None = None
    claims: list[ClaimModel] = Field(default_factory=list)
    relations: list[Union[str, RelationModel]] = Field(default_factory=list)


def known_fields(loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at a location (for 'did you mean')."""
    model: type[BaseModel] = ClaimsFileModel
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            break
        nxt = _model_of(field.annotation)
        if nxt is None:
            break
        model = nxt
    return list(model.model_fields)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        m = _model_of(arg)
        if m is not None:
            return m
    return None
