"""Time: an order that would reach the exchange after its own deadline, and the batch-level
``timestamp`` / ``recvWindow`` of placeorders and modifyorders."""
from .language import MODIFY_COMMANDS as MODIFY, ORDER_COMMANDS as PLACE, Envelope, Expired, Rule
from .examples import NOW, order

_BATCHES = ("placeorders", "modifyorders")
_DOCS = "The parameter tables of placeorders and modifyorders (oxfun-exchange-docs " \
    "_v2_websocket.md lines 1141-1142 and 1754-1755) list timestamp and recvWindow (LONG, " \
    "milliseconds) beside dataArray. "


def _batch(**top: object) -> dict:
    return {"op": "placeorders", "tag": 1, "dataArray": [order()], **top}


#: Batch-level rows, checked by the engine on the whole frame after dataArray's shape and
#: before the items: the two types, then the deadline; each a frame-level verdict.
BATCH_RULES = (
    Rule("20002", _BATCHES, Envelope("batch_timestamp_type",
                                     "batch-level `timestamp` given and not a 64-bit integer"),
         "Batch-level `timestamp` (beside `dataArray`) given but not an integer of "
         "milliseconds: the whole frame is rejected.",
         bad=_batch(timestamp="now"), good=_batch(timestamp=NOW - 100), field="timestamp",
         name="batch-timestamp-type", error="BadRequest",
         why=_DOCS + "Held to the item-level type rows (decided here): a frame-level 20002."),
    Rule("20002", _BATCHES, Envelope("batch_recv_window_type",
                                     "batch-level `recvWindow` given and not a 64-bit integer"),
         "Batch-level `recvWindow` given but not an integer of milliseconds.",
         bad=_batch(timestamp=NOW - 100, recvWindow=1.5),
         good=_batch(timestamp=NOW - 100, recvWindow=500), field="recvWindow",
         name="batch-recv-window-type", error="BadRequest",
         why=_DOCS + "Held to the item-level type rows (decided here): a frame-level 20002."),
    Rule("100015", _BATCHES, Envelope("batch_expired", "clock > batch-level `timestamp` + "
                                      "`recvWindow` (1000 when absent)"),
         "Batch-level `timestamp` given and the clock past it + the batch-level `recvWindow` "
         "(1000 ms when absent): the whole frame is rejected (frame-level, before the items). "
         "An item's own timestamp/recvWindow are checked as well, on their own: the two pairs "
         "are never mixed.",
         bad=_batch(timestamp=NOW - 600, recvWindow=500),
         good=_batch(timestamp=NOW - 500, recvWindow=500), field="timestamp", fill="recvWindow",
         name="batch-recv-window", error="NetworkError",
         why=_DOCS + "The same text as the single order's: \"If an order reaches the matching "
             "engine and the current timestamp exceeds timestamp + recvWindow, then the order "
             "will be rejected\", so every order of the batch is rejected (ccxt 4.4's "
             "createOrders: \"then all orders will be rejected\"). Decided here: one "
             "frame-level verdict (the whole batch must be re-stamped), and the batch's pair and "
             "an item's own pair each apply, so an item is rejected when either deadline has "
             "passed."),
)

RULES = (
    Rule("100015", PLACE + MODIFY, Expired(),
         "`timestamp` given and the clock past `timestamp` + `recvWindow` (1000 ms when "
         "recvWindow is absent); the message names the recvWindow. Not applied to login "
         "(whose timestamp the session checks for skew) nor to cancels (not documented).",
         bad=order(timestamp=NOW - 600, recvWindow=500),
         good=order(timestamp=NOW - 500, recvWindow=500), field="timestamp",
         fill="recvWindow", name="recv-window", error="NetworkError"),
)
