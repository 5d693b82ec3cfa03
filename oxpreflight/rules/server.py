"""Codes of the exchange's table that no rule row decides, and why.

``SERVER`` codes are decided by the exchange alone: failures inside it, and state only it
holds (a token's lifetime). ``SESSION`` would list codes a session could decide without a row
of its own; it is empty (every session code has its row in :mod:`oxpreflight.rules.session`,
which gives its reason). ``OBSERVED`` lists the observed codes (``observed-codes.md``) that no
row answers, and why.
"""

SESSION: dict[str, str] = {}

SERVER = {
    "20026": "needs the token's lifetime, known only to the exchange (no row decides it)",
    "20001": "an operation failure inside the exchange",
    "20032": "a timeout inside the exchange",
    "710001": "an exception inside the exchange",
    "000101": "the exchange's internal service is unavailable",
    "000201": "the exchange's trade service is busy",
}

OBSERVED = {
    "100004": "pushed on the order channel for a cancel or modify of an order already closed; "
              "a session reads it, never answers it",
}
