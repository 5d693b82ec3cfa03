"""login: the three required fields."""
from .language import Absent, NotLong, Rule

_LOGIN = {"apiKey": "k3y", "timestamp": 1717348160000, "signature": "c2lnbmF0dXJl"}


def _login(**changes):
    data = dict(_LOGIN)
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return {"op": "login", "tag": 1, "data": data}


RULES = (
    Rule("20025", ("login",), Absent("apiKey", empty=True),
         "`apiKey` missing or empty.", bad=_login(apiKey=""), good=_login(),
         field="apiKey", name="login-api-key", error="AuthenticationError"),
    Rule("20023", ("login",), Absent("timestamp", empty=True),
         "`timestamp` missing (or null, or the empty string).",
         bad=_login(timestamp=None), good=_login(), field="timestamp", name="login-timestamp", error="ArgumentsRequired"),
    Rule("20002", ("login",), NotLong("timestamp"),
         "`timestamp` given but not an integer of milliseconds (an integer-valued string "
         "counts). Decided here: the exchange signs the timestamp's text, so only digits make "
         "sense.", bad=_login(timestamp="yesterday"), good=_login(timestamp="1717348160000"),
         field="timestamp", name="login-timestamp-type", error="BadRequest"),
    Rule("20000", ("login",), Absent("signature", empty=True),
         "`signature` missing or empty.", bad=_login(signature=""), good=_login(),
         field="signature", name="login-signature", error="AuthenticationError",
         why="Raises AuthenticationError, not ccxt 4.4's BadRequest (rules/ccxt.py KEPT): a "
             "signature that does not verify is a credential failure."),
)
