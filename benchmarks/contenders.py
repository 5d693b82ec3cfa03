"""The schema-only validators oxpreflight is timed against, on the same frames.

Each checks what a schema can say about a frame: the envelope (``op``, ``tag``), types, required
fields, the enumerations, a positive quantity, a 64-bit positive id, a non-empty marketCode,
numbers given as JSON numbers or as numeric strings (as the docs and ccxt send them). None knows
the markets (unknown code, bounds, increments, ticks), the clock, the frame length or the
cross-field rules, so the 20029 frame passes all of them.

- a plain pydantic model (lax mode turns ``"1.5"`` into a float), validated in pydantic-core;
- msgspec: ``msgspec.json.Decoder`` with a ``Struct`` per command (``strict=False`` to take
  numeric strings), a typed decode of the text;
- fastjsonschema: the same constraints as JSON Schema, compiled once.
"""
from __future__ import annotations

from typing import Annotated, Any, Callable, Literal, Optional, Union

import msgspec
from pydantic import BaseModel, ConfigDict, Field, create_model

INT64_MAX = 2**63 - 1

Side = Literal["BUY", "SELL"]
OrderType = Literal["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"]
TimeInForce = Literal["GTC", "IOC", "FOK", "MAKER_ONLY", "MAKER_ONLY_REPRICE"]
StpMode = Literal["NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH"]
Tag = Union[int, str, None]


# -- pydantic ----------------------------------------------------------------------------------
class PlainOrder(BaseModel):
    """The placeorder fields of the orders API, as a flat pydantic model."""

    model_config = ConfigDict(extra="allow")

    marketCode: str = Field(min_length=1)
    side: Side
    orderType: OrderType
    quantity: Optional[float] = Field(default=None, gt=0)
    amount: Optional[float] = Field(default=None, gt=0)
    price: Optional[float] = None
    stopPrice: Optional[float] = None
    limitPrice: Optional[float] = None
    timeInForce: Optional[TimeInForce] = None
    triggerType: Optional[Literal["MARK_PRICE"]] = None
    clientOrderId: Optional[int] = Field(default=None, ge=1, le=INT64_MAX)
    displayQuantity: Optional[float] = None
    selfTradePreventionMode: Optional[StpMode] = None
    timestamp: Optional[int] = None
    recvWindow: Optional[int] = None


class PlainCancel(BaseModel):
    """The cancelorder fields."""

    model_config = ConfigDict(extra="allow")

    marketCode: str = Field(min_length=1)
    orderId: Optional[int] = Field(default=None, ge=1, le=INT64_MAX)
    clientOrderId: Optional[int] = Field(default=None, ge=1, le=INT64_MAX)


class PlainModify(PlainCancel):
    """The modifyorder fields."""

    side: Optional[Side] = None
    price: Optional[float] = None
    quantity: Optional[float] = Field(default=None, gt=0)
    timestamp: Optional[int] = None
    recvWindow: Optional[int] = None


def _frame_model(op: str, payload: type, batch: bool = False) -> type[BaseModel]:
    body = ("dataArray", (Annotated[list[payload], Field(min_length=1)], ...)) if batch \
        else ("data", (payload, ...))
    return create_model(f"{op}Frame", op=(Literal[op], ...), tag=(Tag, None),
                        **{body[0]: body[1]})


PLAIN_MODELS: dict[str, type[BaseModel]] = {
    "placeorder": _frame_model("placeorder", PlainOrder),
    "placeorders": _frame_model("placeorders", PlainOrder, batch=True),
    "cancelorder": _frame_model("cancelorder", PlainCancel),
    "modifyorder": _frame_model("modifyorder", PlainModify),
}


# -- msgspec -----------------------------------------------------------------------------------
Positive = Annotated[float, msgspec.Meta(gt=0)]
Id = Annotated[int, msgspec.Meta(ge=1, le=INT64_MAX)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class MsgOrder(msgspec.Struct):
    marketCode: NonEmpty
    side: Side
    orderType: OrderType
    quantity: Optional[Positive] = None
    amount: Optional[Positive] = None
    price: Optional[float] = None
    stopPrice: Optional[float] = None
    limitPrice: Optional[float] = None
    timeInForce: Optional[TimeInForce] = None
    triggerType: Optional[Literal["MARK_PRICE"]] = None
    clientOrderId: Optional[Id] = None
    displayQuantity: Optional[float] = None
    selfTradePreventionMode: Optional[StpMode] = None
    timestamp: Optional[int] = None
    recvWindow: Optional[int] = None


class MsgCancel(msgspec.Struct):
    marketCode: NonEmpty
    orderId: Optional[Id] = None
    clientOrderId: Optional[Id] = None


class MsgModify(msgspec.Struct):
    marketCode: NonEmpty
    orderId: Optional[Id] = None
    clientOrderId: Optional[Id] = None
    side: Optional[Side] = None
    price: Optional[float] = None
    quantity: Optional[Positive] = None
    timestamp: Optional[int] = None
    recvWindow: Optional[int] = None


class MsgPlace(msgspec.Struct):
    op: Literal["placeorder"]
    data: MsgOrder
    tag: Tag = None


class MsgPlaces(msgspec.Struct):
    op: Literal["placeorders"]
    dataArray: Annotated[list[MsgOrder], msgspec.Meta(min_length=1)]
    tag: Tag = None


class MsgCancelFrame(msgspec.Struct):
    op: Literal["cancelorder"]
    data: MsgCancel
    tag: Tag = None


class MsgModifyFrame(msgspec.Struct):
    op: Literal["modifyorder"]
    data: MsgModify
    tag: Tag = None


_MSG_TYPES = {"placeorder": MsgPlace, "placeorders": MsgPlaces, "cancelorder": MsgCancelFrame,
              "modifyorder": MsgModifyFrame}


def msgspec_decoder(op: str) -> Callable[[Any], Any]:
    """``decode`` of a ``msgspec.json.Decoder`` typed for ``op``'s frame."""
    return msgspec.json.Decoder(_MSG_TYPES[op], strict=False).decode


# -- JSON Schema (fastjsonschema) --------------------------------------------------------------
_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_NUMBER = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _DECIMAL}]}
_POSITIVE = {"anyOf": [{"type": "number", "exclusiveMinimum": 0},
                       {"type": "string",
                        "pattern": r"^(0*[1-9][0-9]*(\.[0-9]+)?|0*\.[0-9]*[1-9][0-9]*)$"}]}
_ID = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": INT64_MAX},
                 {"type": "string", "pattern": r"^[1-9][0-9]{0,18}$"}]}
_INT = {"type": "integer"}
_TAG = {"type": ["integer", "string"]}
_MARKET = {"type": "string", "minLength": 1}

PLACE_SCHEMA = {
    "type": "object",
    "required": ["marketCode", "side", "orderType"],
    "properties": {
        "marketCode": _MARKET,
        "side": {"enum": ["BUY", "SELL"]},
        "orderType": {"enum": ["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"]},
        "quantity": _POSITIVE, "amount": _POSITIVE,
        "price": _NUMBER, "stopPrice": _NUMBER, "limitPrice": _NUMBER,
        "timeInForce": {"enum": ["GTC", "IOC", "FOK", "MAKER_ONLY", "MAKER_ONLY_REPRICE"]},
        "triggerType": {"enum": ["MARK_PRICE"]},
        "clientOrderId": _ID,
        "displayQuantity": _NUMBER,
        "selfTradePreventionMode": {"enum": ["NONE", "EXPIRE_MAKER", "EXPIRE_TAKER",
                                             "EXPIRE_BOTH"]},
        "timestamp": _INT, "recvWindow": _INT,
    },
}
CANCEL_SCHEMA = {"type": "object", "required": ["marketCode"],
                 "properties": {"marketCode": _MARKET, "orderId": _ID, "clientOrderId": _ID}}
MODIFY_SCHEMA = {"type": "object", "required": ["marketCode"],
                 "properties": dict(CANCEL_SCHEMA["properties"], side={"enum": ["BUY", "SELL"]},
                                    price=_NUMBER, quantity=_POSITIVE, timestamp=_INT,
                                    recvWindow=_INT)}


def _single(op: str, payload: dict) -> dict:
    return {"type": "object", "required": ["op", "data"],
            "properties": {"op": {"const": op}, "tag": _TAG, "data": payload}}


FRAME_SCHEMAS = {
    "placeorder": _single("placeorder", PLACE_SCHEMA),
    "placeorders": {"type": "object", "required": ["op", "dataArray"],
                    "properties": {"op": {"const": "placeorders"}, "tag": _TAG,
                                   "dataArray": {"type": "array", "minItems": 1,
                                                 "items": PLACE_SCHEMA}}},
    "cancelorder": _single("cancelorder", CANCEL_SCHEMA),
    "modifyorder": _single("modifyorder", MODIFY_SCHEMA),
}


def fastjsonschema_validator(op: str) -> Callable[[Any], Any]:
    """fastjsonschema's compiled validator for ``op``'s frame (draft 7, the newest it knows;
    the schema uses nothing that differs between draft 7 and 2020-12)."""
    import fastjsonschema

    return fastjsonschema.compile(FRAME_SCHEMAS[op])
