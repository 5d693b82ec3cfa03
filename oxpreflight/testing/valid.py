"""Valid frames, by construction: each documented field of ``FIELDS`` drawn by its kind, each
enumeration from ``ENUMS``; prices on the tick inside the market's bounds, quantities on its
increment, timestamps unexpired at the strategy's clock."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..rules import ENUMS, FIELDS
from ..rules.language import BATCH_OF, SUBSCRIPTION_COMMANDS
from ..rules.order_types import BY_NAME, TABLE as ORDER_TYPE_TABLE
from ..validators.markets import MarketRecord
from .book import SPAN, Book, in_range, long, price_range, quantity, unit

#: Batches stay this small so that every drawn frame fits in the default 4000 characters.
MAX_BATCH = 5
CHANNELS = ("order:all", "balance:all", "position:all", "market:all", "trade:BTC-USD-SWAP-LIN",
            "ticker:all", "depth:BTC-USD-SWAP-LIN", "candles60s:BTC-USD-SWAP-LIN")
TAG_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
TAGS = st.one_of(st.integers(0, 10**18), st.text(TAG_ALPHABET, max_size=32))

#: Fields each command's item builder sets itself (their validity depends on other fields,
#: the market or the clock); every other documented field is an optional extra by its kind.
_STRUCTURAL = {
    "placeorder": {"marketCode", "side", "orderType", "quantity", "amount", "price", "stopPrice",
                   "limitPrice", "timestamp", "recvWindow"},
    "modifyorder": {"marketCode", "orderId", "clientOrderId", "price", "timestamp",
                    "recvWindow"},
    "cancelorder": {"marketCode", "orderId", "clientOrderId"},
    "login": {"apiKey", "timestamp", "signature"},
}
#: Extras that only make sense for some order types (the order-type table's ``extras``).
_ONLY_FOR = {field: tuple(t.name for t in ORDER_TYPE_TABLE if field in t.extras)
             for field in dict.fromkeys(f for t in ORDER_TYPE_TABLE for f in t.extras)}


def value(bk: Book, rec: Optional[MarketRecord], item_op: str, field: str) -> st.SearchStrategy:
    """A valid value for a documented field, by its kind in ``FIELDS``."""
    kind = FIELDS[item_op][field].kind
    if kind == "enum":
        return st.sampled_from(ENUMS[field])
    if kind == "integer":
        return long()
    if kind == "number" and rec is not None:
        return quantity(bk, rec)
    if kind == "market" and rec is not None:
        return st.just(rec.code)
    raise InvalidArgument(f"no valid value known for {item_op} field {field!r}")


@st.composite
def _extras(draw, bk: Book, rec: MarketRecord, item_op: str, item: dict,
            order_type: Optional[str] = None) -> dict:
    for field, spec in FIELDS[item_op].items():
        if field in item or field in _STRUCTURAL[item_op] or spec.kind == "any":
            continue
        if order_type is not None and order_type not in _ONLY_FOR.get(field, (order_type,)):
            continue
        if field == "displayQuantity" and "quantity" not in item:
            continue
        if draw(st.booleans()):
            item[field] = draw(value(bk, rec, item_op, field))
            if field == "displayQuantity" and _above(item[field], item["quantity"]):
                item[field] = item["quantity"]  # the matching engine rejects a larger one
    return item


def _above(left: Any, right: Any) -> bool:
    return Decimal(str(left)) > Decimal(str(right))


@st.composite
def _timing(draw, bk: Book) -> dict:
    """Optional timestamp/recvWindow that have not expired at ``now``."""
    if bk.now is None or not draw(st.booleans()):
        return {}
    if draw(st.booleans()):
        window = draw(st.integers(1, 60_000))
        return {"timestamp": bk.now - draw(st.integers(-5_000, window)), "recvWindow": window}
    return {"timestamp": bk.now - draw(st.integers(-5_000, 1_000))}


def order_types(rec: MarketRecord, any_market: bool = False) -> tuple:
    """The order types a valid order may have on ``rec``, by the order-type table: allowed on
    the market (any market with ``any_market``), and, for a type with a bounded price, a
    market whose bounds leave a valid price."""
    return tuple(t.name for t in ORDER_TYPE_TABLE
                 if (any_market or t.allows(rec.type, rec.perpetual))
                 and (t.bounded is None or price_range(rec) is not None))


@st.composite
def _stop_limit_prices(draw, bk: Book, rec: MarketRecord, side: str) -> dict:
    first, last = price_range(rec)
    k = draw(st.integers(first, last))
    if side == "BUY":  # stopPrice <= limitPrice, both positive off REPO/SPREAD
        gap = draw(st.integers(0, max(0, min(1000, k - 1)) if not rec.rate else 1000))
        stop = k - gap
    else:
        stop = k + draw(st.integers(0, 1000))
    return {"stopPrice": draw(bk.number(stop * unit(rec))),
            "limitPrice": draw(bk.number(k * unit(rec)))}


@st.composite
def _stop_market_prices(draw, bk: Book, rec: MarketRecord, side: str) -> dict:
    span = price_range(rec) or (1, SPAN)
    return {"stopPrice": draw(in_range(bk, rec, max(span[0], 1), max(span[1], 1)))}


#: orderType -> the valid price fields of such an order (what the type ``takes``).
PRICES = {
    "LIMIT": lambda bk, rec, side: in_range(bk, rec, *price_range(rec)).map(
        lambda p: {"price": p}),
    "MARKET": lambda bk, rec, side: st.just({}),
    "STOP_LIMIT": _stop_limit_prices,
    "STOP_MARKET": _stop_market_prices,
}


def prices(bk: Book, rec: MarketRecord, order_type: str, side: str) -> st.SearchStrategy:
    """The price fields of a valid ``order_type`` order on ``rec``."""
    drawer = PRICES.get(order_type)
    if drawer is None:
        raise InvalidArgument(
            f"no valid prices known for orderType {order_type!r} (it takes "
            f"{BY_NAME[order_type].takes}): add its drawer to PRICES in "
            f"oxpreflight/testing/valid.py")
    return drawer(bk, rec, side)


@st.composite
def place_item(draw, bk: Book, markets: Optional[tuple] = None,
               types: Optional[tuple] = None, sides: Optional[tuple] = None,
               any_market: bool = False) -> dict:
    """A placeorder item on one of ``markets`` (active ones by default), of one of ``types``
    that fits that market, with one of ``sides``; valid unless ``any_market`` lets a
    STOP_MARKET order go to a market that is not a perpetual."""
    rec = draw(st.sampled_from(markets or bk.active))
    fitting = order_types(rec, any_market)
    order_type = draw(st.sampled_from([t for t in types or fitting if t in fitting]))
    side = draw(st.sampled_from(sides or ENUMS["side"]))
    item: dict[str, Any] = {"marketCode": rec.code, "side": side, "orderType": order_type}
    if order_type == "MARKET" and rec.type == "SPOT" and side == "BUY" and draw(st.booleans()):
        item["amount"] = draw(bk.number(draw(st.integers(1, 10**6)) * Decimal("0.01")))
    else:
        item["quantity"] = draw(quantity(bk, rec))
    item.update(draw(prices(bk, rec, order_type, side)))
    draw(_extras(bk, rec, "placeorder", item, order_type))
    item.update(draw(_timing(bk)))
    return item


@st.composite
def _ids(draw) -> dict:
    which = draw(st.sampled_from(("orderId", "clientOrderId", "both")))
    out = {}
    if which != "clientOrderId":
        out["orderId"] = draw(long())
    if which != "orderId":
        out["clientOrderId"] = draw(long())
    return out


@st.composite
def cancel_item(draw, bk: Book, markets: Optional[tuple] = None) -> dict:
    rec = draw(st.sampled_from(markets or tuple(bk.markets.values())))
    return draw(_extras(bk, rec, "cancelorder", {"marketCode": rec.code, **draw(_ids())}))


@st.composite
def modify_item(draw, bk: Book, markets: Optional[tuple] = None) -> dict:
    rec = draw(st.sampled_from(markets or bk.active))
    item: dict[str, Any] = {"marketCode": rec.code, **draw(_ids())}
    span = price_range(rec)
    if span is not None and draw(st.booleans()):
        item["price"] = draw(in_range(bk, rec, *span))
    draw(_extras(bk, rec, "modifyorder", item))
    item.update(draw(_timing(bk)))
    return item


@st.composite
def login_data(draw, bk: Book) -> dict:
    stamp = (bk.now - draw(st.integers(0, 5_000)) if bk.now is not None
             else draw(st.integers(1_500_000_000_000, 4_000_000_000_000)))
    return {"apiKey": draw(st.text(TAG_ALPHABET, min_size=1, max_size=40)),
            "timestamp": draw(st.sampled_from((stamp, str(stamp)))),
            "signature": draw(st.text(TAG_ALPHABET + "+/=", min_size=1, max_size=64))}


def item(bk: Book, item_op: str) -> st.SearchStrategy:
    """A valid ``data`` object (or batch item) for ``item_op``."""
    if item_op == "placeorder":
        return place_item(bk)
    if item_op == "cancelorder":
        return cancel_item(bk)
    if item_op == "modifyorder":
        return modify_item(bk)
    return login_data(bk)


@st.composite
def frame(draw, bk: Book, op: str, broken: Optional[st.SearchStrategy] = None) -> dict:
    """A valid frame for ``op``; with ``broken``, its data (or one item of a batch) is drawn
    from ``broken`` instead."""
    out: dict[str, Any] = {"op": op}
    if draw(st.booleans()):
        out["tag"] = draw(TAGS)
    if op in SUBSCRIPTION_COMMANDS:
        out["args"] = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=4,
                                    unique=True))
    elif op in BATCH_OF:
        items = draw(st.lists(item(bk, BATCH_OF[op]), min_size=1, max_size=MAX_BATCH))
        if broken is not None:
            items[draw(st.integers(0, len(items) - 1))] = draw(broken)
        out["dataArray"] = items
    else:
        out["data"] = draw(broken) if broken is not None else draw(item(bk, op))
    return out


def needs_markets(bk: Book, op: str) -> None:
    """Raise ``InvalidArgument`` when the catalogue cannot give valid frames for ``op``."""
    item_op = BATCH_OF.get(op, op)
    if item_op in ("placeorder", "modifyorder") and not bk.active:
        raise InvalidArgument(f"no market of the catalogue is active at now={bk.now}: "
                              f"cannot build {op} frames")
    if item_op == "cancelorder" and not bk.markets:
        raise InvalidArgument("the market catalogue is empty: cannot build cancel frames")
