"""Hypothesis strategies: frames the exchange accepts, and frames it rejects with a given code.

    from hypothesis import given
    from oxpreflight import Preflight
    from oxpreflight.strategies import frames, violating

    @given(frames("placeorders", markets="markets.json", now=NOW))
    def test_my_sender_accepts(frame): ...

    @given(violating("20029", markets="markets.json", now=NOW))
    def test_my_builder_never_produces(frame): ...

Frames are built by construction (no filtering): prices are multiples of the tick inside the
market's sanity bounds, quantities multiples of minSize, enumerations drawn from the documented
values. Numbers come as a JSON client sends them (numeric string, int or float, so
``json.dumps(frame)`` always works); ``decimals=True`` adds ``Decimal``. ``now`` is the clock
the frames will be checked with (epoch ms); with ``now=None`` frames carry no order timestamps
and use only markets active at the present, so they pass with ``clock=None`` and with the
system clock alike.

Importing this module registers the request models of :mod:`oxpreflight.models` with
``st.register_type_strategy``, so ``st.from_type(PlaceOrder)`` generates valid instances.
Only ``oxpreflight.testing`` imports hypothesis.
"""
from __future__ import annotations

from typing import Any, Optional, Union, overload

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..models import CancelOrder, Login, ModifyOrder, PlaceOrder
from ..rules import RULES
from ..rules.frame import TextFrameCode
from ..rules.language import Rule
from .book import book, check_op
from .derived import Breaker, derive
from .handwritten import HANDWRITTEN
from .valid import frame, item, needs_markets

__all__ = ["frames", "violating", "enforced_codes"]


def enforced_codes() -> tuple:
    """Every code a non-warning rule enforces, in check order (what :func:`violating` covers)."""
    return tuple(dict.fromkeys(r.code for r in RULES if not r.is_warning))


def frames(op: str = "placeorder", *, markets: Any = None, now: Optional[int] = None,
           decimals: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Frames (dicts) that ``Preflight(markets, clock=now)`` accepts, for any of the nine ops.

    ``markets``: what :class:`~oxpreflight.Preflight` accepts (``None``: the embedded
    catalogue), or a Preflight. ``now``: the epoch-ms clock the frames will be checked at;
    ``None`` for frames that carry no order timestamp and pass with or without a clock.
    ``decimals``: numbers may also be ``Decimal`` (then ``json.dumps`` needs ``default=str``).
    """
    check_op(op)
    bk = book(markets, now, decimals)
    needs_markets(bk, op)
    return frame(bk, op)


def breaker(rule: Rule) -> Breaker:
    """The breaker of one non-warning row: hand-written by its name, else derived from its
    condition (``NoBreaker`` when neither)."""
    factory = HANDWRITTEN.get(rule.name)
    return factory(rule) if factory is not None else derive(rule)


_BREAKERS: dict = {}


def _breakers() -> dict:
    """rule name -> Breaker, for every non-warning row (built on first use)."""
    if not _BREAKERS:
        _BREAKERS.update((r.name, breaker(r)) for r in RULES if not r.is_warning)
    return _BREAKERS


@overload
def violating(code: TextFrameCode, *, rule: Optional[str] = None, op: Optional[str] = None,
              markets: Any = None, now: Optional[int] = None, decimals: bool = False
              ) -> st.SearchStrategy[Union[str, bytes]]:
    ...


@overload
def violating(code: str, *, rule: Optional[str] = None, op: Optional[str] = None,
              markets: Any = None, now: Optional[int] = None, decimals: bool = False
              ) -> st.SearchStrategy[dict[str, Any]]:
    ...


def violating(code: str, *, rule: Optional[str] = None, op: Optional[str] = None,
              markets: Any = None, now: Optional[int] = None, decimals: bool = False
              ) -> st.SearchStrategy[Any]:
    """Frames that ``Preflight(markets, clock=now)`` rejects with exactly ``code``.

    Each frame is a valid frame with exactly one thing broken; for a batch, one item. Frames
    are dicts, except for 20009 (JSON text, as str or bytes). 20027 frames exceed the default
    ``max_message_length`` of 4000. ``rule`` restricts to one row of that code (its name, as
    ``oxpreflight explain CODE`` lists them), ``op`` to one command; ``decimals`` as for
    :func:`frames`. Raises ``InvalidArgument`` for a code no rule enforces, or one that
    ``rule``, ``op`` or the catalogue cannot reach (the embedded catalogue has no bounds, so
    no 710002/710003; 100015 and 200050 need ``now``).
    """
    code = str(code)
    rows = [r for r in RULES if r.code == code and not r.is_warning]
    if not rows:
        raise InvalidArgument(f"code={code!r} is not enforced by any rule; enforced codes: "
                              f"{', '.join(enforced_codes())}")
    if rule is not None:
        rows = [r for r in rows if r.name == rule]
        if not rows:
            names = ", ".join(r.name for r in RULES if r.code == code)
            raise InvalidArgument(f"rule={rule!r} is not a row of {code}; its rows: {names}")
    if op is not None:
        check_op(op)
    bk = book(markets, now, decimals)
    found = _breakers()
    options, reasons = [], []
    for row in rows:
        made = found[row.name]
        ops = made.ops if op is None else tuple(o for o in made.ops if o == op)
        if not ops:
            continue
        reason = made.needs(bk)
        if reason is not None:
            reasons.append(reason)
            continue
        options.append(st.sampled_from(ops).flatmap(lambda o, b=made: b.make(bk, o)))
    if not options:
        why = "; ".join(dict.fromkeys(reasons)) or f"no rule gives {code} for op={op!r}"
        if markets is None and any("catalogue" in reason for reason in reasons):
            why += (" (the embedded catalogue lists 8 markets without price bounds: pass "
                    "markets=, a /v3/markets file or its data, e.g. from `oxpreflight markets "
                    "pull`)")
        raise InvalidArgument(f"cannot build frames violating {code}: {why}")
    return st.one_of(options)


# -- st.from_type for the request models ------------------------------------------------------
def _models_strategy(model: Any, op: str) -> st.SearchStrategy:
    return item(book(None, None), op).map(model.model_validate)


def register_models() -> None:
    """Register the request models with ``st.register_type_strategy`` (run on import, and by
    the ``hypothesis`` entry point ``oxpreflight.strategies:_hypothesis_setup_hook``)."""
    for model in (PlaceOrder, CancelOrder, ModifyOrder, Login):
        st.register_type_strategy(model, st.deferred(
            lambda m=model: _models_strategy(m, m.op)))


register_models()
