"""Codes of the exchange's table that no frame-only rule can decide, and why.

``SESSION`` lists the codes that depend on the connection's state but that no session row
(:mod:`oxpreflight.rules.session`) can decide; the session rows give their own reasons.
``SERVER`` codes are failures inside the exchange. ``OBSERVED`` lists the observed codes
(``observed-codes.md``) that no row answers, and why.
"""

SESSION = {
    "20026": "needs the token's lifetime, known only to the exchange",
}

SERVER = {
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
