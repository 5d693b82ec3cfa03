"""The schema-only validators oxpreflight is timed against, on the same frames.

Each one checks what a schema can say about the frame's envelope and placeorder fields: types,
required fields, the enumerations, a positive quantity and amount, a 64-bit positive
clientOrderId, a non-empty marketCode. None knows the markets (unknown code, bounds, increments,
ticks), the clock, or the cross-field rules (so the 20029 frame passes all of them).

Two pydantic contenders: the project's own ``oxpreflight.models.PlaceOrder`` (when that module
exists; it also checks the STOP_LIMIT price order, so it rejects the 20029 frame), and the
plain model below, whose constraints pydantic-core checks without calling Python.
"""
from __future__ import annotations

from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

INT64_MAX = 2**63 - 1

Side = Literal["BUY", "SELL"]
OrderType = Literal["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"]
TimeInForce = Literal["GTC", "IOC", "FOK", "MAKER_ONLY", "MAKER_ONLY_REPRICE"]
StpMode = Literal["NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH"]


class BenchPlaceOrder(BaseModel):
    """The placeorder fields of the orders API, as a flat pydantic model (the fallback)."""

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


class BenchCancelOrder(BaseModel):
    """The cancelorder fields (the fallback)."""

    model_config = ConfigDict(extra="allow")

    marketCode: str = Field(min_length=1)
    orderId: Optional[int] = Field(default=None, ge=1, le=INT64_MAX)
    clientOrderId: Optional[int] = Field(default=None, ge=1, le=INT64_MAX)


def _project_models() -> Optional[tuple[type, type]]:
    """(placeorder model, cancelorder model) of ``oxpreflight.models``, None when absent."""
    try:
        from oxpreflight import models
    except ImportError:
        return None
    place = getattr(models, "PlaceOrder", None)
    cancel = getattr(models, "CancelOrder", BenchCancelOrder)
    if not (isinstance(place, type) and issubclass(place, BaseModel)):
        return None
    if "data" in place.model_fields:  # a whole-frame model: take its payload's type
        place = place.model_fields["data"].annotation
    if isinstance(cancel, type) and issubclass(cancel, BaseModel) and "data" in cancel.model_fields:
        cancel = cancel.model_fields["data"].annotation
    return place, cancel


Tag = Union[int, str, None]


def frame_models(place: type, cancel: type) -> dict[str, type[BaseModel]]:
    """Envelope models ``{"op", "tag", "data" | "dataArray"}`` around the payload models."""
    return {
        "placeorder": create_model("PlaceOrderFrame", op=(Literal["placeorder"], ...),
                                   tag=(Tag, None), data=(place, ...)),
        "placeorders": create_model("PlaceOrdersFrame", op=(Literal["placeorders"], ...),
                                    tag=(Tag, None),
                                    dataArray=(Annotated[list[place], Field(min_length=1)], ...)),
        "cancelorder": create_model("CancelOrderFrame", op=(Literal["cancelorder"], ...),
                                    tag=(Tag, None), data=(cancel, ...)),
    }


#: The project's own models (Decimal numbers through Python validators, cross-field checks),
#: when ``oxpreflight.models`` exists.
_PROJECT = _project_models()
PROJECT_MODELS = frame_models(*_PROJECT) if _PROJECT else None
#: The plain models above: native types only, validated entirely inside pydantic-core.
PLAIN_MODELS = frame_models(BenchPlaceOrder, BenchCancelOrder)


# -- JSON Schema: the same constraints ---------------------------------------------------------
_NUMBER = {"type": "number"}
_INT = {"type": "integer"}
_ID = {"type": "integer", "minimum": 1, "maximum": INT64_MAX}
_TAG = {"type": ["integer", "string"]}

PLACE_SCHEMA = {
    "type": "object",
    "required": ["marketCode", "side", "orderType"],
    "properties": {
        "marketCode": {"type": "string", "minLength": 1},
        "side": {"enum": ["BUY", "SELL"]},
        "orderType": {"enum": ["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"]},
        "quantity": {"type": "number", "exclusiveMinimum": 0},
        "amount": {"type": "number", "exclusiveMinimum": 0},
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
CANCEL_SCHEMA = {
    "type": "object",
    "required": ["marketCode"],
    "properties": {"marketCode": {"type": "string", "minLength": 1}, "orderId": _ID,
                   "clientOrderId": _ID},
}
FRAME_SCHEMAS = {
    "placeorder": {"type": "object", "required": ["op", "data"],
                   "properties": {"op": {"const": "placeorder"}, "tag": _TAG,
                                  "data": PLACE_SCHEMA}},
    "placeorders": {"type": "object", "required": ["op", "dataArray"],
                    "properties": {"op": {"const": "placeorders"}, "tag": _TAG,
                                   "dataArray": {"type": "array", "minItems": 1,
                                                 "items": PLACE_SCHEMA}}},
    "cancelorder": {"type": "object", "required": ["op", "data"],
                    "properties": {"op": {"const": "cancelorder"}, "tag": _TAG,
                                   "data": CANCEL_SCHEMA}},
}


def fastjsonschema_validator(frame: dict) -> Callable[[Any], Any]:
    """fastjsonschema's compiled validator for ``frame``'s op (draft 7, the newest it knows;
    the schema uses nothing that differs between draft 7 and 2020-12)."""
    import fastjsonschema

    return fastjsonschema.compile(FRAME_SCHEMAS[frame["op"]])


def jsonschema_validator(frame: dict) -> Callable[[Any], None]:
    """``jsonschema``'s Draft 2020-12 validator for ``frame``'s op, built once: ``validate``."""
    from jsonschema import Draft202012Validator

    schema = dict(FRAME_SCHEMAS[frame["op"]],
                  **{"$schema": "https://json-schema.org/draft/2020-12/schema"})
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema).validate
