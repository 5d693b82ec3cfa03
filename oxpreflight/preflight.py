"""The public checker: the engine's ``check`` plus the layers built on it (``session()``,
``guard()``). It sits above the session and the guard, so nothing below imports it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, TypedDict, Union, Unpack

from .validators.clock import system_clock
from .rules.language import Rule
from .validators.engine import Engine
from .validators.fixing import Fix, fix as _fix
from .validators.market_view import Market

if TYPE_CHECKING:
    from .guard import guard as _guard
    from .session import Account, Session


class SessionOptions(TypedDict, total=False):
    """The keyword arguments of :class:`oxpreflight.Session` (and ``Preflight.session``)."""

    api_key: str | None
    api_secret: str | bytes | None
    rate_limit: int
    rate_window_ms: int
    login_skew_ms: int
    auction_window: tuple[int, int] | Callable[[int], bool] | None
    account: Union["Account", Mapping[str, Any], None, bool]
    track_orders: bool
    rate_ops: tuple[str, ...]
    ack_timeout_ms: int
    trading_state: str


class Preflight(Engine):
    """Checks outgoing websocket frames the way the exchange would.

    ``markets``: ``None`` for the embedded catalogue, a path to a ``/v3/markets`` JSON file, or
    the parsed data. ``clock``: epoch-ms callable (its first reading must be plausible epoch
    milliseconds, else ``ValueError``), ``None`` turns time-dependent rules off.
    ``max_message_length``: the exchange's frame limit in characters. ``rules``: rule modules
    (module objects or dotted paths exposing ``RULES``), run after the exchange's rows.
    ``policy``: ``{selector: "error" | "warn" | "ignore"}``. ``limits``: an
    :class:`oxpreflight.Limits` (R001-R006).
    """

    @property
    def policy(self) -> Any:
        """The policy in force: ``selector -> action`` (read-only; empty when none)."""
        return self._policy.mapping

    def action_for(self, row: Any) -> Optional[str]:
        """What the policy does to ``row`` (a rule or session row): ``"error"``, ``"warn"``,
        ``"ignore"``, or ``None`` when no selector matches it."""
        return self._policy.action(row) if self._policy else None

    @property
    def rules_in_force(self) -> tuple[Rule, ...]:
        """Every ``check`` row in force, in check order, policy applied (``warn`` rows are
        warnings, ``ignore`` rows are gone)."""
        seen: dict[int, Rule] = {}
        for plan in self.plans.values():
            for row in plan.rules:
                seen.setdefault(id(row), row)
        return tuple(seen.values())

    @classmethod
    def from_config(cls, path: Any = None, markets: Any = None,
                    clock: Optional[Callable[[], int]] = system_clock,
                    max_message_length: Optional[int] = None, *, rules: Any = (),
                    policy: Any = None, limits: Any = None) -> "Preflight":
        """A Preflight from ``[tool.oxpreflight]`` of ``path`` (a ``pyproject.toml``, or a
        folder; default: the nearest one from the current directory upward; none found: the
        defaults). Keywords given override the file's (``policy`` by selector)."""
        from .config import load_config, merged

        options = merged(load_config(path), markets=markets,
                         max_message_length=max_message_length, rules=rules, policy=policy,
                         limits=limits)
        return cls(clock=clock, **options)

    def derive(self, **changes: Any) -> "Preflight":
        """A Preflight like this one (same catalogue source, clock, length limit, rule modules,
        policy and limits) with the keywords in ``changes`` replaced; ``policy`` is merged
        over this one's by selector."""
        options = dict(self._given, clock=self.clock, max_message_length=self.max_message_length)
        if changes.get("policy") is not None:
            changes["policy"] = {**(self._given["policy"] or {}), **changes["policy"]}
        options.update(changes)
        return type(self)(**options)

    def session(self, **options: Unpack[SessionOptions]) -> Session:
        """A :class:`oxpreflight.session.Session` on this Preflight (state: login, rate, orders)."""
        from .session import Session
        from .session.auth import Secret

        if "api_secret" in options:  # wrapped before anything can fail and show it in locals
            options["api_secret"] = Secret.hide(options["api_secret"])
        return Session(self, **options)

    def fix(self, frame: Any, *, unsafe: bool = False) -> Fix:
        """``frame`` (dict or JSON text) with what can be fixed fixed, re-checked: safe fixes
        only unless ``unsafe`` (see ``oxpreflight.validators.fixing``). Never raises."""
        return _fix(self, frame, unsafe=unsafe)

    def market(self, code: str) -> Market:
        """The catalogue's figures for market ``code`` (``KeyError`` naming it when the
        catalogue does not list it)."""
        record = self.markets.get(code) if isinstance(code, str) else None
        if record is None:
            raise KeyError(f"market {code!r} is not in the market catalogue")
        return Market.of(record)

    if TYPE_CHECKING:  # type checkers see the guard's own overloads, ``self`` as its ``pf``
        guard = _guard
    else:
        def guard(self, send: Callable[..., Any], **options: Any) -> Callable[..., Any]:
            """Wrap a sync or async ``send``: rejected frames are never sent (see
            ``oxpreflight.guard``)."""
            from .guard import guard

            return guard(self, send, **options)


__all__ = ["Preflight", "SessionOptions"]
