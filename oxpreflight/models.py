"""Typed request models (pydantic v2) for the order commands: build them, validate them, export
their JSON Schema (``PlaceOrder.model_json_schema()``), and turn them into frames.

Everything comes from the rule tables: the fields and how each is read (``FIELDS``), the
enumerations (``ENUMS``), which fields are required, and every market-free rule row with the
exchange's code and message. A model accepts exactly what :meth:`oxpreflight.Preflight.check`
accepts on what does not depend on a market or the clock (the catalogue, bounds, tick, minSize,
REPO/SPREAD prices at or below zero, recvWindow); those are for ``check`` to judge. Two things
``check`` only warns about are refused: fields the exchange does not document (W001), and a
value that is not a number in a number field the order type ignores (it gets that field's
number code).

A validation error carries the exchange's code: each error's ``type`` is ``"exchange_rule"``,
its ``ctx`` holds ``code``, ``message`` (the exchange's text) and ``rule`` (the row's name),
its ``loc`` the field (empty for a row about several fields).

    >>> PlaceOrder(marketCode="BTC-USD-SWAP-LIN", side="BUY", orderType="LIMIT",
    ...            quantity="0.001", price="68000").frame(tag=1)["data"]["price"]
    '68000'
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal
from typing import Annotated, Any, Callable, ClassVar, Literal, Optional, Union

from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema,
    create_model, model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .rules import ENUMS, FIELDS, RULES
from .rules import language as L
from .rules.catalogue import KNOWN
from .validators.exact import BAD, integer, number
from .validators.kinds import kind_of, validate_rows

_INTEGER_TEXT = r"^[+-]?[0-9]+$"
_NUMBER_TEXT = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _long(value: Any) -> int:
    parsed = integer(value)
    if parsed is None or parsed is BAD:
        raise ValueError("must be a 64-bit integer or an integer-valued string")
    return parsed  # type: ignore[return-value]


def _number(value: Any) -> Decimal:
    parsed = number(value)
    if parsed is None or parsed is BAD:
        raise ValueError("must be a finite number or a numeric string")
    return Decimal(repr(parsed)) if parsed.__class__ is float else Decimal(parsed)  # type: ignore


Long = Annotated[int, BeforeValidator(_long), WithJsonSchema(
    {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _INTEGER_TEXT}]})]
Number = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT}]})]


# -- the market-free rows, evaluated on the raw item ------------------------------------------
def _parts(cond: L.Cond) -> tuple:
    return getattr(cond, "parts", ()) + ((cond.inner,) if isinstance(cond, L.Not) else ())


def _test(c: L.Cond) -> Optional[Callable[[dict], bool]]:
    """``c`` as a function of the raw item: whether the item meets the row's failure, as the
    compiled plans decide it (built once per row, so validating does no dispatch); ``None``
    when ``c`` needs a market, the clock or the whole frame (left to ``check``). Each
    condition class declares its predicate (:mod:`oxpreflight.validators.kinds`)."""
    make = kind_of(c).predicate
    return None if make is None else make(c, _test)


def _leaf_fields(cond: L.Cond, kind: type) -> list:
    if isinstance(cond, kind):
        return [cond.field]  # type: ignore[attr-defined]
    return [f for p in _parts(cond) for f in _leaf_fields(p, kind)]


def _error(rule: L.Rule, message: str, field: Optional[str], value: Any) -> ValidationError:
    return ValidationError.from_exception_data("exchange rule", [InitErrorDetails(
        type=PydanticCustomError("exchange_rule", "{code} {message}",
                                 {"code": rule.code, "message": message, "rule": rule.name}),
        loc=(field,) if field else (), input=value)])


class _Request(BaseModel):
    """Shared configuration and the rule check every model runs before its field types."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    op: ClassVar[str]
    _rows: ClassVar[tuple] = ()           # (row, test) of the market-free rows, in check order
    _by_type: ClassVar[tuple] = ()        # (field, kind, the row that answers a bad value)
    _unknown: ClassVar[Optional[L.Rule]] = None

    @model_validator(mode="before")
    @classmethod
    def _exchange_rules(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for rule, fails in cls._rows:
            if fails(data):
                raise _error(rule, KNOWN[rule.code].message, rule.field,
                             data.get(rule.field) if rule.field else data)
        for field, kind, rule in cls._by_type:
            value = data.get(field)
            if value is not None and not _accepts(kind, value):
                raise _error(rule, KNOWN[rule.code].message, field, value)
        fields = FIELDS[cls.op]
        if not data.keys() <= fields.keys() and cls._unknown is not None:
            extra = sorted(map(str, data.keys() - fields.keys()))
            text = cls._unknown.warning.format(fill=", ".join(extra), value=None)
            raise _error(cls._unknown, text, extra[0], data[extra[0]])
        return data

    def frame(self, tag: Union[int, str, None] = None) -> dict:
        """The websocket frame: ``{"op", "tag"?, "data"}``, numbers as the exchange echoes
        them (prices and quantities as strings), absent fields left out."""
        out: dict[str, Any] = {"op": self.op}
        if tag is not None:
            out["tag"] = tag
        out["data"] = self.model_dump(mode="json", exclude_none=True)
        return out


def _accepts(kind: str, value: Any) -> bool:
    if kind == "number":
        return number(value) is not BAD
    if kind == "integer":
        return integer(value) is not BAD
    if kind == "market":
        return value.__class__ is str
    return True


class _Login(_Request):
    @classmethod
    def signed(cls, api_key: str, secret: Union[str, bytes], timestamp: int) -> Any:
        """Base64(HMAC-SHA256(secret, f"{timestamp}GET/auth/self/verify")); the secret is
        never stored."""
        key = secret.encode() if isinstance(secret, str) else secret
        digest = hmac.new(key, f"{timestamp}GET/auth/self/verify".encode(), hashlib.sha256)
        return cls(apiKey=api_key, timestamp=timestamp,
                   signature=base64.b64encode(digest.digest()).decode())


_KIND_TEXT = {
    "number": "A number: JSON number or numeric string, taken exactly.",
    "integer": "An integer within signed 64 bits: JSON integer or integer-valued string.",
    "market": "A market code of the catalogue.",
    "any": "Passed on as given.",
}


def _field(op: str, name: str, kind: str, rows: tuple, required: bool) -> tuple:
    """``(type, FieldInfo)`` for one documented field, its description from its rows."""
    if kind == "enum":
        kind_type: Any = Literal[ENUMS[name]]  # type: ignore[valid-type]
        text = "One of " + ", ".join(ENUMS[name]) + "."
    else:
        kind_type = {"number": Number, "integer": Long, "market": str, "any": Any}[kind]
        text = _KIND_TEXT[kind]
    codes = [f"{r.code}: {r.doc}" for r in rows if r.field == name and not r.is_warning]
    description = " ".join([text] + (["Rejected with"] + codes if codes else []))
    if required:
        return (kind_type, Field(description=description))
    return (Optional[kind_type], Field(default=None, description=description))


def _model(name: str, op: str, base: type, doc: str) -> Any:
    """The model class of ``op``, built from its rows and documented fields."""
    rows = tuple(r for r in RULES if op in r.commands)
    tests = {r.name: _test(r.fails) for r in rows if not r.is_warning}
    judged = tuple(r for r in rows if tests.get(r.name) is not None)
    required = {r.fails.field for r in judged if isinstance(r.fails, L.Absent)}
    fields = {field: _field(op, field, spec.kind, rows, field in required)
              for field, spec in FIELDS[op].items()}
    model = create_model(name, __base__=base, __module__=__name__, __doc__=doc,
                         **fields)  # type: ignore[call-overload]
    model.op = op
    model._rows = tuple((rule, tests[rule.name]) for rule in judged)
    by_type: dict = {}
    for rule in rows:  # the first row that rejects a field's type answers for it
        if rule.is_warning:
            continue
        for field in _leaf_fields(rule.fails, L.NotNumber) + _leaf_fields(rule.fails, L.NotLong):
            by_type.setdefault(field, rule)
        if isinstance(rule.fails, L.UnknownMarket):
            by_type.setdefault("marketCode", rule)
    model._by_type = tuple((field, FIELDS[op][field].kind, rule)
                           for field, rule in by_type.items())
    model._unknown = next((r for r in rows if isinstance(r.fails, L.UnknownFields)), None)
    return model


validate_rows(RULES)  # a class without a predicate is named here, not in a model's call
PlaceOrder = _model("PlaceOrder", "placeorder", _Request,
                    "``placeorder`` (and each ``placeorders`` item).")
CancelOrder = _model("CancelOrder", "cancelorder", _Request,
                     "``cancelorder`` (and each ``cancelorders`` item).")
ModifyOrder = _model("ModifyOrder", "modifyorder", _Request,
                     "``modifyorder`` (and each ``modifyorders`` item).")
Login = _model("Login", "login", _Login, "``login``. :meth:`signed` computes the signature.")

__all__ = ["PlaceOrder", "CancelOrder", "ModifyOrder", "Login"]
