"""Typed request models (pydantic v2) for the order commands: build them, validate them, export
their JSON Schema (``PlaceOrder.model_json_schema()``), and turn them into frames.

The models hold the field-level facts of orders-api.md (types, enumerations, required fields,
the STOP_LIMIT price order). What depends on a market (bounds, tick, minSize, REPO/SPREAD
prices at or below zero) is for :class:`oxpreflight.Preflight` to judge.

    >>> PlaceOrder(marketCode="BTC-USD-SWAP-LIN", side="BUY", orderType="LIMIT",
    ...            quantity="0.001", price="68000").frame(tag=1)["data"]["price"]
    '68000'
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

Side = Literal["BUY", "SELL"]
OrderType = Literal["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"]
TimeInForce = Literal["GTC", "IOC", "FOK", "MAKER_ONLY", "MAKER_ONLY_REPRICE"]
TriggerType = Literal["MARK_PRICE"]
SelfTradePreventionMode = Literal["NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH"]

_INTEGER_TEXT = r"^[+-]?[0-9]+$"
_NUMBER_TEXT = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _long(value: Any) -> int:
    # The exchange's "long": an int or an integer-valued string; not 1.0, not true.
    if value.__class__ is int:
        return value
    if isinstance(value, str) and re.match(_INTEGER_TEXT, value):
        return int(value)
    raise ValueError("must be an integer or an integer-valued string")


def _number(value: Any) -> Decimal:
    # JSON numbers or numeric strings, taken exactly (a float as its shortest repr).
    if value.__class__ is int:
        return Decimal(value)
    if value.__class__ is float and math.isfinite(value):
        return Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str) and re.match(_NUMBER_TEXT, value):
        return Decimal(value)
    raise ValueError("must be a finite number or a numeric string")


Long = Annotated[int, BeforeValidator(_long), WithJsonSchema(
    {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _INTEGER_TEXT}]})]
Number = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT}]})]
ClientOrderId = Annotated[Long, Field(ge=1, le=INT64_MAX)]
Millis = Annotated[Long, Field(ge=INT64_MIN, le=INT64_MAX)]


class _Request(BaseModel):
    """Shared configuration: unknown fields are errors (a typo such as ``clientOrderID`` would
    be silently ignored by the exchange)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    op: ClassVar[str]

    def frame(self, tag: Union[int, str, None] = None) -> dict:
        """The websocket frame: ``{"op", "tag"?, "data"}``, numbers as the exchange echoes
        them (prices and quantities as strings), absent fields left out."""
        out: dict[str, Any] = {"op": self.op}
        if tag is not None:
            out["tag"] = tag
        out["data"] = self.model_dump(mode="json", exclude_none=True)
        return out


class PlaceOrder(_Request):
    """``placeorder`` (and each ``placeorders`` item)."""

    op: ClassVar[str] = "placeorder"
    marketCode: str = Field(min_length=1)
    side: Side
    orderType: OrderType
    quantity: Optional[Annotated[Number, Field(gt=0)]] = None
    amount: Optional[Annotated[Number, Field(gt=0)]] = None
    price: Optional[Number] = None
    stopPrice: Optional[Number] = None
    limitPrice: Optional[Number] = None
    timeInForce: Optional[TimeInForce] = None
    clientOrderId: Optional[ClientOrderId] = None
    displayQuantity: Optional[Number] = None
    selfTradePreventionMode: Optional[SelfTradePreventionMode] = None
    triggerType: Optional[TriggerType] = None
    timestamp: Optional[Millis] = None
    recvWindow: Optional[Millis] = None

    @model_validator(mode="after")
    def _by_order_type(self) -> "PlaceOrder":
        if self.quantity is None and not (self.orderType == "MARKET" and self.amount is not None):
            raise ValueError("quantity is required (a MARKET order may give amount instead)")
        if self.orderType == "LIMIT" and self.price is None:
            raise ValueError("price is required for LIMIT order")
        if self.orderType in ("STOP_LIMIT", "STOP_MARKET") and self.stopPrice is None:
            raise ValueError(f"stopPrice is required for {self.orderType} order")
        if self.orderType == "STOP_LIMIT":
            if self.limitPrice is None:
                raise ValueError("limitPrice is required for STOP_LIMIT order")
            if self.side == "BUY" and self.stopPrice > self.limitPrice:
                raise ValueError("stopPrice must be less than limitPrice for Buy Stop Order")
            if self.side == "SELL" and self.limitPrice > self.stopPrice:
                raise ValueError("limitPrice must be less than stopPrice for Sell Stop Order")
        return self


class _ByOrderId(_Request):
    marketCode: str = Field(min_length=1)
    orderId: Optional[Annotated[Long, Field(ge=1, le=INT64_MAX)]] = None
    clientOrderId: Optional[ClientOrderId] = None

    @model_validator(mode="after")
    def _one_id(self):
        if self.orderId is None and self.clientOrderId is None:
            raise ValueError("Either clientOrderId or orderId is required")
        return self


class CancelOrder(_ByOrderId):
    """``cancelorder`` (and each ``cancelorders`` item)."""

    op: ClassVar[str] = "cancelorder"


class ModifyOrder(_ByOrderId):
    """``modifyorder`` (and each ``modifyorders`` item)."""

    op: ClassVar[str] = "modifyorder"
    side: Optional[Side] = None
    price: Optional[Number] = None
    quantity: Optional[Annotated[Number, Field(gt=0)]] = None
    timestamp: Optional[Millis] = None
    recvWindow: Optional[Millis] = None


class Login(_Request):
    """``login``. :meth:`signed` computes the signature; the secret is never stored."""

    op: ClassVar[str] = "login"
    apiKey: str = Field(min_length=1)
    timestamp: Millis
    signature: str = Field(min_length=1)

    @classmethod
    def signed(cls, api_key: str, secret: Union[str, bytes], timestamp: int) -> "Login":
        """Base64(HMAC-SHA256(secret, f"{timestamp}GET/auth/self/verify"))."""
        key = secret.encode() if isinstance(secret, str) else secret
        digest = hmac.new(key, f"{timestamp}GET/auth/self/verify".encode(), hashlib.sha256)
        return cls(apiKey=api_key, timestamp=timestamp,
                   signature=base64.b64encode(digest.digest()).decode())


__all__ = ["PlaceOrder", "CancelOrder", "ModifyOrder", "Login"]
