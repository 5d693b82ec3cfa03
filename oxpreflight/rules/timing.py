"""Time: an order that would reach the exchange after its own deadline."""
from .language import MODIFY_COMMANDS as MODIFY, ORDER_COMMANDS as PLACE, Expired, Rule
from .examples import NOW, order

RULES = (
    Rule("100015", PLACE + MODIFY, Expired(),
         "`timestamp` given and the clock past `timestamp` + `recvWindow` (1000 ms when "
         "recvWindow is absent); the message names the recvWindow. Not applied to login "
         "(whose timestamp the session checks for skew) nor to cancels (not documented).",
         bad=order(timestamp=NOW - 600, recvWindow=500),
         good=order(timestamp=NOW - 500, recvWindow=500), field="timestamp",
         fill="recvWindow", name="recv-window", error="NetworkError"),
)
