"""Codes of the exchange's table that no frame-only rule can decide, and why.

``SESSION`` codes depend on what the exchange already knows about the connection or the
account (a session can track them); ``SERVER`` codes are failures inside the exchange.
"""

SESSION = {
    "05001": "needs the login state: an order command before a successful login",
    "20005": "needs the login state: a second login on the same connection",
    "20007": "needs the rate of recent order commands on the account",
    "20024": "needs the exchange's clock: login timestamp too far from it",
    "20026": "needs the token's lifetime, known only to the exchange",
    "20031": "needs the market's operational flag (GET /v3/markets/operational)",
    "300001": "needs the account's status",
    "300011": "needs the repo auction schedule",
    "300012": "needs the repo auction schedule",
    "100005": "needs the account's open orders",
    "100006": "needs the owner of the open order",
    "710004": "needs the account's position and its limit",
    "710005": "needs the account's collateral and the exchange's margin model",
    "710006": "needs the account's balances",
    "710007": "needs the account's position",
}

SERVER = {
    "20001": "an operation failure inside the exchange",
    "20032": "a timeout inside the exchange",
    "710001": "an exception inside the exchange",
    "000101": "the exchange's internal service is unavailable",
    "000201": "the exchange's trade service is busy",
}
