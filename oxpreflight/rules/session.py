"""The session's rows: codes that only the connection's state decides, in the session's check
order (the first failing row of a command is its verdict).

For one command the rows that apply run in this order: login 20005, 20025, 20024, 20000;
order, cancel and modify commands 05001, 20007, then cancels and modifies 100005, 100006,
then placeorders and modifies 300001, 20031, 300011 (placeorder), 300012, and placeorders
710007, 710004, 710006, 710005. Each row names its predicate (``test``, a function of
:mod:`oxpreflight.session.rows`); its ``bad`` and ``good`` scenario is run by the registry test
on a fresh session (format in :class:`~oxpreflight.rules.language.StateRule`).
"""
from __future__ import annotations

from typing import Any

from .catalogue import code
from .examples import NOW, order
from .language import CANCEL_COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS, StateRule

_ORDERS = ORDER_COMMANDS + CANCEL_COMMANDS + MODIFY_COMMANDS
_LOOKUPS = CANCEL_COMMANDS + MODIFY_COMMANDS
_CHANGES = ORDER_COMMANDS + MODIFY_COMMANDS

#: What the scenarios log in with.
KEY, SECRET = "example-key", "example-secret"
_SIGNATURE = "1uUHq0Xvjn4TF4cznDwyN5kvKzx7OtPrb7y6yY/i44A="  # Base64 HMAC of NOW, SECRET
#: 2024-06-02T18:00:30Z: inside the default repo auction window.
AUCTION_NOW = NOW - NOW % 3_600_000 + 3_600_000 + 30_000
REPO = "BTC-USD-REPO-LIN"

#: The order channel's failure push for a cancel or modify of an order already closed
#: ("Order request was rejected : REJECT_CANCEL_ORDER_ID_NOT_FOUND"); not in the error table,
#: so never answered locally, only observed.
ORDER_GONE_CODE = "100004"
#: The notice on a cancel or modify of an order the session saw close: accepted, because the
#: exchange accepts the command and answers with the ORDER_GONE_CODE push.
ORDER_CLOSED_NOTICE = "W104"
#: Login hints: signature in hex, timestamp in seconds, key and secret swapped.
HEX_SIGNATURE, SECONDS, SWAPPED = "W101", "W102", "W103"

_LOGGED_IN: dict[str, Any] = {"observe": {"event": "login", "success": True}}


def _login(**changes: Any) -> dict[str, Any]:
    data = {"apiKey": KEY, "timestamp": NOW, "signature": _SIGNATURE}
    data.update(changes)
    return {"op": "login", "tag": 1, "data": data}


def _place(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = order(**changes)  # type: ignore[no-untyped-call]
    return {"op": "placeorder", "tag": 1, "data": data}


def _cancel(order_id: int = 5) -> dict[str, Any]:
    return {"op": "cancelorder", "tag": 1,
            "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": order_id}}


def _opened(order_id: int = 5, account: str = "1001") -> dict[str, Any]:
    return {"observe": {"table": "order", "data": [{
        "notice": "OrderOpened", "accountId": account, "orderId": str(order_id),
        "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "status": "OPEN", "price": "68000",
        "quantity": "0.001", "remainQuantity": "0.001", "orderType": "LIMIT"}]}}


def scenario(frame: Any, *steps: dict[str, Any], clock: int = NOW, **options: Any
             ) -> dict[str, Any]:
    """A scenario: session ``options``, ``steps`` run first, then ``frame`` is judged."""
    return {"options": options, "clock": clock, "steps": list(steps), "frame": frame}


def _account(frame: dict[str, Any], **account: Any) -> dict[str, Any]:
    return scenario(frame, _LOGGED_IN, account=account)


LOGIN_AGAIN = StateRule(
    "20005", "login-again", ("login",), "logged_in_again",
    "A login on a connection whose login reply was already observed.",
    bad=scenario(_login(), _LOGGED_IN), good=scenario(_login()),
    reason="needs the login state: a second login on the same connection",
    error="AuthenticationError")
API_KEY = StateRule(
    "20025", "login-api-key-mismatch", ("login",), "api_key_mismatch",
    "With `api_key` given: a login whose `apiKey` differs (or holds the API secret, W103).",
    bad=scenario(_login(apiKey="other-key"), api_key=KEY),
    good=scenario(_login(), api_key=KEY), field="apiKey",
    reason="needs the account's API key", error="AuthenticationError")
SKEW = StateRule(
    "20024", "login-timestamp-skew", ("login",), "timestamp_skew",
    "A login `timestamp` further than `login_skew_ms` (30 s) from the clock (W102 when it "
    "looks like seconds).",
    bad=scenario(_login(timestamp=NOW - 60_000)), good=scenario(_login()), field="timestamp",
    reason="needs the exchange's clock: login timestamp too far from it",
    why="The exchange does not publish its threshold; 30 s is the default, configurable.",
    error="AuthenticationError")
SIGNATURE = StateRule(
    "20000", "login-signature-mismatch", ("login",), "signature_mismatch",
    "With `api_secret` given: the signature is not Base64(HMAC-SHA256(secret, timestamp + "
    "`GET/auth/self/verify`)) (W101 hex, W102 seconds, W103 key and secret swapped).",
    bad=scenario(_login(signature="bm90IGl0"), api_key=KEY, api_secret=SECRET),
    good=scenario(_login(), api_key=KEY, api_secret=SECRET), field="signature",
    reason="needs the API secret", error="AuthenticationError")
NOT_LOGGED_IN = StateRule(
    "05001", "order-before-login", _ORDERS, "not_logged_in",
    "An order, cancel or modify command before a successful login reply was observed (a "
    "login sent but not answered does not count).",
    bad=scenario(_place()), good=scenario(_place(), _LOGGED_IN),
    reason="needs the login state: an order command before a successful login",
    error="AuthenticationError")
RATE = StateRule(
    "20007", "order-rate", _ORDERS, "over_rate",
    "More than `rate_limit` orders (50) in any `rate_window_ms` (1000 ms, half-open); each "
    "batch item counts, only placeorder(s) unless `rate_ops` names more commands.",
    bad=scenario(_place(), _LOGGED_IN, {"submit": _place()}, rate_limit=1),
    good=scenario(_place(), _LOGGED_IN, {"submit": _place()}, {"advance": 1000},
                  rate_limit=1),
    reason="needs the rate of recent order commands on the account",
    why="The documentation: one account may place at most 50 orders per second.",
    error="RateLimitExceeded")
NOT_FOUND = StateRule(
    "100005", "open-order-not-found", _LOOKUPS, "order_not_found",
    "A cancel or modify of an order never seen open (by orderId, or by a clientOrderId neither "
    "open nor awaiting its placeorder reply), or open on another market.",
    bad=scenario(_cancel(), _LOGGED_IN), good=scenario(_cancel(), _LOGGED_IN, _opened()),
    field="orderId", reason="needs the account's open orders",
    why="An order the session saw close is not answered 100005: the documentation shows the "
        "exchange accepting such a cancel and pushing 100004 (REJECT_CANCEL_ORDER_ID_NOT_FOUND);"
        " the session passes it with the W104 notice.",
    error="OrderNotFound")
NOT_OWNED = StateRule(
    "100006", "open-order-not-owned", _LOOKUPS, "order_not_owned",
    "A cancel or modify of an order opened under another account (both owners known).",
    bad=scenario(_cancel(), _LOGGED_IN, {"observe": {"table": "balance", "accountId": "1001",
                                                     "data": []}}, _opened(account="2002")),
    good=scenario(_cancel(), _LOGGED_IN, {"observe": {"table": "balance", "accountId": "1001",
                                                      "data": []}}, _opened()),
    field="orderId", reason="needs the owner of the open order", error="InvalidOrder")
ACCOUNT_STATUS = StateRule(
    "300001", "account-status", _CHANGES, "account_not_normal",
    "An account status other than NORMAL (`Account(status=...)`) for placeorder and modify.",
    bad=_account(_place(), status="SUSPENDED"), good=_account(_place(), status="NORMAL"),
    reason="needs the account's status", error="AccountNotEnabled")
NOT_OPERATIONAL = StateRule(
    "20031", "market-not-operational", _CHANGES, "market_not_operational",
    "An order or modify on a market last reported not operational (`/v3/markets/operational`, "
    "`market:all`).",
    bad=scenario(_place(), _LOGGED_IN, {"observe": {"marketCode": "BTC-USD-SWAP-LIN",
                                                    "operational": False}}),
    good=scenario(_place(), _LOGGED_IN, {"observe": {"marketCode": "BTC-USD-SWAP-LIN",
                                                     "operational": True}}),
    field="marketCode",
    reason="needs the market's operational flag (GET /v3/markets/operational)",
    error="MarketClosed")
AUCTION_MARKET_ORDER = StateRule(
    "300011", "repo-auction-market-order", ORDER_COMMANDS, "auction_market_order",
    "A MARKET order on a REPO market inside the auction window (hh:59:00 to hh:01:00).",
    bad=scenario(_place(marketCode=REPO, orderType="MARKET", price=None), _LOGGED_IN,
                 clock=AUCTION_NOW),
    good=scenario(_place(marketCode=REPO, orderType="MARKET", price=None), _LOGGED_IN),
    field="orderType", reason="needs the repo auction schedule", error="InvalidOrder")
AUCTION_PRICE = StateRule(
    "300012", "repo-auction-price", _CHANGES, "auction_price",
    "Inside the auction window, a REPO bid priced above 0 or offer below 0 (price, else "
    "limitPrice; a modify without side takes the open order's).",
    bad=scenario(_place(marketCode=REPO, price="0.0001"), _LOGGED_IN, clock=AUCTION_NOW),
    good=scenario(_place(marketCode=REPO, price="-0.0001"), _LOGGED_IN, clock=AUCTION_NOW),
    field="price", reason="needs the repo auction schedule", error="InvalidOrder")
REDUCE_ONLY = StateRule(
    "710007", "reduce-only-position", ORDER_COMMANDS, "reduce_only",
    "On a market listed in `reduce_only`, an order that grows or flips the held position.",
    bad=_account(_place(), reduce_only=["BTC-USD-SWAP-LIN"],
                 positions={"BTC-USD-SWAP-LIN": "0.001"}),
    good=_account(_place(side="SELL"), reduce_only=["BTC-USD-SWAP-LIN"],
                  positions={"BTC-USD-SWAP-LIN": "0.001"}),
    field="quantity", reason="needs the account's position", error="InsufficientFunds")
POSITION_LIMIT = StateRule(
    "710004", "position-limit", ORDER_COMMANDS, "over_position_limit",
    "|position after the order| above the market's `position_limits` entry, growing it.",
    bad=_account(_place(), position_limits={"BTC-USD-SWAP-LIN": "0.01"},
                 positions={"BTC-USD-SWAP-LIN": "0.0095"}),
    good=_account(_place(quantity="0.0005"), position_limits={"BTC-USD-SWAP-LIN": "0.01"},
                  positions={"BTC-USD-SWAP-LIN": "0.0095"}),
    field="quantity", reason="needs the account's position and its limit",
    error="BadRequest")
SPOT_BALANCE = StateRule(
    "710006", "spot-balance", ORDER_COMMANDS, "short_of_balance",
    "Spot only: a BUY costing more than the available counter asset (quantity x price, the "
    "mark price for MARKET, or amount), a SELL of more than the available base asset.",
    bad=_account(_place(marketCode="BTC-USDT", price="63000"), balances={"USDT": "50"}),
    good=_account(_place(marketCode="BTC-USDT", price="63000"), balances={"USDT": "100"}),
    field="quantity", reason="needs the account's balances", error="InsufficientFunds")
MARGIN = StateRule(
    "710005", "initial-margin", ORDER_COMMANDS, "short_of_margin",
    "With collateral and a margin rate for every market involved: sum of |position| x mark x "
    "rate after the order above the collateral, while growing a position.",
    bad=_account(_place(), collateral="5", default_margin_rate="0.1"),
    good=_account(_place(), collateral="10", default_margin_rate="0.1"),
    field="quantity", reason="needs the account's collateral and the exchange's margin model",
    why="The exchange's risk engine is not public: a simple initial-margin approximation, "
        "skipped whenever a figure is unknown.",
    error="InsufficientFunds")

#: Every session row, in check order.
STATE_RULES = (LOGIN_AGAIN, API_KEY, SKEW, SIGNATURE, NOT_LOGGED_IN, RATE, NOT_FOUND, NOT_OWNED,
               ACCOUNT_STATUS, NOT_OPERATIONAL, AUCTION_MARKET_ORDER, AUCTION_PRICE,
               REDUCE_ONLY, POSITION_LIMIT, SPOT_BALANCE, MARGIN)

#: The codes of the account layer (``Account(checks=...)`` picks among them).
ACCOUNT_CODES = frozenset(row.code for row in (ACCOUNT_STATUS, REDUCE_ONLY, POSITION_LIMIT,
                                                SPOT_BALANCE, MARGIN))

for _row in STATE_RULES:  # a row naming a code outside the exchange's table is a build error
    code(_row.code)
