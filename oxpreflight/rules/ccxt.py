"""ccxt's own exception classes for the exchange's codes, and where this project differs.

``CCXT`` is ccxt 4.4's ``oxfun`` mapping (``exceptions.exact`` in ``js/src/oxfun.js`` /
``python/ccxt/oxfun.py``, keys written there as ``-CODE``; 200050 is only in ``broad``, which
matches it to ``RequestTimeout``), for every code of the exchange's table. The rule rows take
ccxt's class wherever it is sound; ``KEPT`` lists each code where a row keeps another class,
with the reason. ``NO_ROW`` gives the class of the codes no row reports (server-only and
observed codes), so :mod:`oxpreflight.errors` maps every known code from one table.
"""

CCXT = {
    "05001": "AuthenticationError", "20000": "BadRequest", "20001": "BadRequest",
    "20002": "BadRequest", "20003": "NotSupported", "20005": "AuthenticationError",
    "20006": "BadRequest", "20007": "AuthenticationError", "20008": "BadRequest",
    "20009": "BadRequest", "20010": "ArgumentsRequired", "20011": "ArgumentsRequired",
    "20012": "ArgumentsRequired", "20013": "ArgumentsRequired", "20014": "BadRequest",
    "20015": "BadSymbol", "20016": "BadRequest", "20017": "BadRequest", "20018": "BadRequest",
    "20019": "BadRequest", "20020": "BadRequest", "20021": "BadRequest",
    "20022": "ArgumentsRequired", "20023": "ArgumentsRequired", "20024": "ExchangeError",
    "20025": "AuthenticationError", "20026": "BadRequest", "20027": "BadRequest",
    "20028": "BadRequest", "20029": "BadRequest", "20030": "BadRequest",
    "20031": "MarketClosed", "20032": "NetworkError", "20033": "BadRequest",
    "20034": "BadRequest", "20050": "ExchangeError", "300001": "AccountNotEnabled",
    "300011": "InvalidOrder", "300012": "InvalidOrder", "100005": "OrderNotFound",
    "100006": "InvalidOrder", "100008": "BadRequest", "100015": "NetworkError",
    "200050": "RequestTimeout", "710001": "ExchangeError", "710002": "BadRequest",
    "710003": "BadRequest", "710004": "BadRequest", "710005": "InsufficientFunds",
    "710006": "InsufficientFunds", "710007": "InsufficientFunds", "000101": "NetworkError",
    "000201": "NetworkError",
}

#: code -> why the rows keep a class other than ccxt's.
KEPT = {
    "20000": "AuthenticationError: a signature that does not verify is a credential failure "
             "(ccxt's manual: \"a mistake in the keypair\"), and ccxt itself raises "
             "AuthenticationError for a failed websocket login (handleAuthenticationMessage); "
             "its BadRequest for 20000 would let a wrong secret pass as a malformed frame",
    "20007": "RateLimitExceeded: \"You are accessing server too rapidly\" is the rate limit, "
             "not authentication (ccxt's AuthenticationError is a bug there); kept in ccxt's "
             "place for it, under NetworkError, and retryable",
    "20024": "AuthenticationError: a login timestamp too far from the exchange's clock is "
             "ccxt's \"outdated nonce\" case of AuthenticationError; still an ExchangeError, so "
             "an `except ExchangeError` written for ccxt catches it",
    "20050": "BadRequest: an invalid selfTradePreventionMode is an enumeration outside its "
             "values like 20016-20018 and 20033, which ccxt maps to BadRequest; ccxt's bare "
             "ExchangeError is the generic base (an `except ExchangeError` still catches it)",
    "200050": "BadSymbol: \"The market is not active\" (not listed yet, or settled) is about "
              "the market, never a timeout; ccxt reaches RequestTimeout only through a broad "
              "(substring) match",
}

#: code -> class, for the codes no rule row reports (a guarded send never raises them; a
#: reply read back from the exchange may carry them).
NO_ROW = {
    "20001": "OperationFailed",   # ccxt: exact BadRequest (for a REST "marketCode is invalid"),
    #                               broad OperationFailed: the websocket message is a failure
    "20026": "AuthenticationError",  # ccxt: BadRequest; a token is a credential
    "20032": "NetworkError", "710001": "ExchangeError", "000101": "NetworkError",
    "000201": "NetworkError",     # as ccxt
    "100004": "OrderNotFound",    # observed; the order is no longer open
}
