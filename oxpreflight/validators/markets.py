"""The market catalogue: loading the exchange's REST or channel format, and the compact
per-market record the check plans read on the hot path.

A catalogue is checked as it loads: a value out of range, a duplicate ``marketCode``, inverted
price bounds or a non-positive tick or step is a :class:`MarketError` naming the market and the
field. The embedded catalogue is open-world (:func:`unlisted_market`); any other is complete.
"""
from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from os import PathLike
from typing import Any, Iterable, Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from ..rules.markets import MARKET_CODE, market_type

#: Market types whose prices are rates or differences and may be zero or negative.
RATE_TYPES = frozenset({"REPO", "SPREAD"})


class Market(BaseModel):
    """One market as ``GET /v3/markets`` (or the ``market:all`` channel) describes it."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    marketCode: str = Field(min_length=1, max_length=64)
    type: str = "SPOT"
    base: Optional[str] = None
    counter: Optional[str] = None
    tickSize: Optional[Decimal] = Field(default=None, gt=0)
    minSize: Optional[Decimal] = Field(
        default=None, gt=0, validation_alias=AliasChoices("minSize", "qtyIncrement")
    )
    listedAt: Optional[int] = None
    settlementAt: Optional[int] = None
    upperPriceBound: Optional[Decimal] = None
    lowerPriceBound: Optional[Decimal] = None
    markPrice: Optional[Decimal] = Field(
        default=None, validation_alias=AliasChoices("markPrice", "marketPrice")
    )


class MarketError(ValueError):
    """A market catalogue that cannot be used (bad file, bad JSON, bad entry)."""


class MarketRecord:
    """What the check plans need of one market, resolved once: Decimals plus float shadows
    of the bounds for the exact fast comparisons in :mod:`oxpreflight.validators.exact`."""

    __slots__ = ("code", "type", "rate", "tick", "tick_num", "tick_den", "tick_lim", "step", "step_num", "step_den",
                 "step_lim", "step_f", "step_text", "tick_text", "lo", "lo_f", "hi",
                 "hi_f", "listed", "settles", "market", "unlisted", "perpetual",
                 "mark")

    def __init__(self, market: Market, unlisted: bool = False):
        self.market = market
        #: Not in the (open-world) catalogue: known only by its well-formed code.
        self.unlisted = unlisted
        self.code = market.marketCode
        self.type = market.type
        #: A perpetual: a FUTURE whose code has the perpetual form BASE-QUOTE-SWAP-... (the
        #: catalogue's type says FUTURE for dated futures too).
        self.perpetual = market.type == "FUTURE" and market.marketCode.split("-")[2:3] == ["SWAP"]
        self.rate = market.type in RATE_TYPES
        self.tick = market.tickSize
        self.tick_num, self.tick_den = _ratio(market.tickSize)
        self.step_num, self.step_den = _ratio(market.minSize)
        # Below these magnitudes a float's grid test is exact (see exact.off_grid).
        self.tick_lim = float(2**50 * (market.tickSize or 0))
        self.step_lim = float(2**50 * (market.minSize or 0))
        self.step = market.minSize
        self.step_f = None if market.minSize is None else float(market.minSize)
        self.step_text = None if market.minSize is None else str(market.minSize)
        self.tick_text = None if market.tickSize is None else str(market.tickSize)
        self.lo = market.lowerPriceBound
        self.hi = market.upperPriceBound
        self.lo_f = None if self.lo is None else float(self.lo)
        self.hi_f = None if self.hi is None else float(self.hi)
        self.mark = market.markPrice  # the pre-trade limits' reference price
        # Bounds of the active window for one chained comparison on the hot path.
        self.listed = -(2**63) if market.listedAt is None else market.listedAt
        self.settles = 2**63 if market.settlementAt is None else market.settlementAt

    def is_active(self, now: int) -> bool:
        """Listed and not yet settled at ``now`` (epoch ms)."""
        return self.listed <= now < self.settles

    def __repr__(self) -> str:
        return f"MarketRecord({self.code!r}, {self.type!r})"


def _ratio(step: Optional[Decimal]) -> tuple:
    """``step`` as an integer fraction, for the exact float test of grid multiples."""
    return (1, 1) if step is None else step.as_integer_ratio()


def _entries(source: Any) -> list:
    if isinstance(source, dict):
        if "data" in source:
            source = source["data"]
        elif "marketCode" in source:
            source = [source]
        else:
            raise MarketError("a market catalogue object needs a 'data' list")
    if not isinstance(source, list):
        raise MarketError("a market catalogue is a list of markets or {'data': [...]}")
    return source


#: Decimal fields and the magnitudes accepted (as ``Decimal.adjusted()``, the power of ten of
#: the leading digit): wide enough for any real market, narrow enough that every derived
#: figure (float shadows, grid ratios) is finite and cheap.
_DECIMALS = ("tickSize", "minSize", "upperPriceBound", "lowerPriceBound", "markPrice")
_MIN_EXP, _MAX_EXP = -30, 18
#: Most significant digits a figure may have: real ticks, sizes and prices have a handful; a
#: million-digit tick would cost the exact grid ratio seconds to build.
_MAX_DIGITS = 40


def _name(entry: Any, index: int) -> str:
    code = entry.get("marketCode") if isinstance(entry, dict) else None
    return f"market {code}" if isinstance(code, str) and code else f"market #{index}"


def _checked(market: Market, name: str) -> Market:
    for field in _DECIMALS:
        value = getattr(market, field)
        if value is not None and value != 0 and not _MIN_EXP <= value.adjusted() <= _MAX_EXP:
            raise MarketError(f"{name}: {field} {value} is out of range "
                              f"(1e{_MIN_EXP} .. 1e{_MAX_EXP + 1})")
        if value is not None and _significant(value) > _MAX_DIGITS:
            raise MarketError(f"{name}: {field} has more than {_MAX_DIGITS} significant "
                              f"digits")
    lo, hi = market.lowerPriceBound, market.upperPriceBound
    if lo is not None and hi is not None and lo > hi:
        raise MarketError(f"{name}: lowerPriceBound {lo} is above upperPriceBound {hi}")
    return market


def valid_market(entry: Any, name: str) -> Market:
    """One catalogue entry validated as a catalogue's are (types, ranges, bounds); a bad entry
    is a :class:`MarketError` starting with ``name``."""
    try:
        market = Market.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "entry"
        raise MarketError(f"{name}: {where}: {first['msg']}") from None
    return _checked(market, name)


def _significant(value: Decimal) -> int:
    """How many digits ``value`` has, trailing zeros left out."""
    digits = value.as_tuple().digits
    end = len(digits)
    while end > 1 and digits[end - 1] == 0:
        end -= 1
    return end


def parse_markets(source: Any) -> list[Market]:
    """Markets from a parsed ``/v3/markets`` reply, a ``market:all`` push, or a bare list."""
    markets: list[Market] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(_entries(source)):
        market = valid_market(entry, _name(entry, index))
        if market.marketCode in seen:
            raise MarketError(f"{_name(entry, index)}: marketCode listed twice (entries "
                              f"#{seen[market.marketCode]} and #{index})")
        seen[market.marketCode] = index
        markets.append(market)
    return markets


def load_markets(markets: Any = None) -> list[Market]:
    """``None`` -> the embedded default catalogue; a path -> that JSON file; else parsed data."""
    if markets is None:
        text = resources.files(__package__).joinpath("default_markets.json").read_text("utf-8")
        return parse_markets(json.loads(text))
    if isinstance(markets, (str, PathLike)):
        try:
            with open(markets, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise MarketError(f"cannot read market catalogue {markets}: {exc.strerror}") from None
        except ValueError as exc:
            raise MarketError(f"market catalogue {markets} is not JSON: {exc}") from None
        return parse_markets(data)
    return parse_markets(markets)


def index_markets(markets: Iterable[Market]) -> dict[str, MarketRecord]:
    """The lookup table the plans use: marketCode -> MarketRecord."""
    return {m.marketCode: MarketRecord(m) for m in markets}


def unlisted_market(code: str) -> Optional[MarketRecord]:
    """The open-world record of a market code the embedded catalogue does not list: its type
    from the exchange's naming, no bounds, no sizes, always active; ``None`` when malformed."""
    return _unlisted(code) if MARKET_CODE(code) is not None else None


@lru_cache(maxsize=4096)  # well-formed codes only (at most ~70 characters): bounded memory
def _unlisted(code: str) -> MarketRecord:
    return MarketRecord(Market(marketCode=code, type=market_type(code)), unlisted=True)
