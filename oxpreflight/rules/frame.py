"""Frame and envelope rules: what the exchange checks before it looks at any order."""
from typing import Any, Literal, NoReturn

from .language import COMMANDS, SUBSCRIPTION_COMMANDS, Envelope, Rule

#: Deepest nesting of objects and arrays a frame may have (the frame itself is level 1).
#: Decided here: an order frame nests at most 4 levels (frame, dataArray, item, value), and the
#: parsers on the way all stop somewhere: Jackson 2.15+ (the JVM's usual JSON parser) at 1000
#: by default, orjson at 1024 when decoding and 254 when encoding, Python's ``json`` near its
#: recursion limit (~1000). 128 keeps every failure reply (which echoes the order at the same
#: depth) encodable by both orjson and ``json``, and no real client comes near it.
MAX_DEPTH = 128

_ORDER = '{"op":"placeorder","tag":1,"data":{"marketCode":"BTC-USD-SWAP-LIN","side":"BUY",' \
         '"orderType":"MARKET","quantity":"0.001"}}'
_WITH_DATA = tuple(op for op in COMMANDS if op not in SUBSCRIPTION_COMMANDS)
#: Why the 20009 rows answer in the command's failure shape when its op can be read.
_SHAPE = ("The one recorded reply for text that is not JSON (ccxt 4.4, js/src/pro/oxfun.js, "
          "handlePlaceOrders) is {\"event\":\"placeorder\",\"submitted\":false,\"message\":"
          "...,\"code\":...,\"timestamp\":...}: no tag, no data. So when a top-level op "
          "naming a command is read whole before the frame breaks, the reply is that command's "
          "failure shape without tag and data (validators/readable.py); else "
          "{\"success\":false,...}.")


class _BrokenMapping(dict):  # type: ignore[type-arg]
    """A frame whose own ``get`` raises: stands for any bug inside the checker."""

    def get(self, *args: Any) -> NoReturn:
        raise RuntimeError("broken mapping")

    def __repr__(self) -> str:
        return "<a dict subclass whose get() raises>"


RULES = (
    Rule("20027", COMMANDS, Envelope("too_long", "text longer than max_message_length"),
         "Frame text longer than `max_message_length` characters (4000 by default); for a "
         "dict, the length of its compact JSON encoding.",
         bad='{"op":"placeorder","tag":"' + "x" * 4000 + '","data":{}}', good=_ORDER,
         name="frame-too-long", error="BadRequest"),
    Rule("20009", COMMANDS, Envelope("not_json", "not JSON, or not a JSON object"),
         "The frame is not JSON, or not a JSON object (the text `ping` is the keep-alive and "
         "passes).",
         bad='{"op": "placeorder", "data": {', good=_ORDER, name="not-json", error="BadRequest",
         why=_SHAPE),
    Rule("20009", COMMANDS, Envelope("not_utf8", "text that is not UTF-8 JSON text"),
         "Bytes that are not UTF-8 (UTF-16, UTF-32), text starting with a byte-order mark, or "
         "a string with an unpaired surrogate (`\\ud800`), in text or in a dict. Websocket "
         "text is UTF-8 (RFC 6455 5.6), JSON text carries no BOM (RFC 8259 8.1) and I-JSON "
         "forbids unpaired surrogates (RFC 7493 2.1); decided here: such a frame cannot be "
         "sent as it is, so it is answered like text that is not JSON.",
         bad='{"op":"placeorder","tag":"\\ud800","data":{}}', good=_ORDER,
         name="not-utf8-text", error="BadRequest", why=_SHAPE),
    Rule("20009", COMMANDS, Envelope("too_deep", f"objects and arrays nested over {MAX_DEPTH}"),
         f"Objects and arrays nested more than {MAX_DEPTH} levels deep (the frame is level 1), "
         "in text or in a dict. Decided here (see MAX_DEPTH in this module for the evidence).",
         bad='{"op":"placeorder","tag":1,"data":{"source":' + "[" * MAX_DEPTH
         + "]" * MAX_DEPTH + "}}", good=_ORDER, name="too-deep", error="BadRequest",
         why=_SHAPE),
    Rule("20003", COMMANDS, Envelope("unknown_op", "`op` missing or not one of the nine"),
         "`op` missing, or not one of the nine commands (case-sensitive).",
         bad={"op": "placeOrder", "data": {}}, good={"op": "subscribe", "args": ["order:all"]},
         field="op", name="unknown-op", error="NotSupported"),
    Rule("20034", COMMANDS, Envelope("tag_too_long", "`tag` text longer than 32"),
         "`tag` (int or string) whose text is longer than 32 characters; 32 is allowed, as "
         "the parameter table says.",
         bad={"op": "subscribe", "tag": "t" * 33, "args": ["order:all"]},
         good={"op": "subscribe", "tag": "t" * 32, "args": ["order:all"]},
         field="tag", name="tag-too-long", error="BadRequest"),
    Rule("20002", COMMANDS, Envelope("bad_tag", "`tag` neither an integer nor a string"),
         "`tag` given but neither an integer nor a string (decided here: the exchange echoes "
         "tags as strings and documents int or string).",
         bad={"op": "subscribe", "tag": [1], "args": ["order:all"]},
         good={"op": "subscribe", "tag": 7, "args": ["order:all"]},
         field="tag", name="bad-tag", error="BadRequest"),
    Rule("20002", COMMANDS, Envelope("bad_payload",
                                     "`data` not an object, `dataArray` not a non-empty list, "
                                     "`args` not a list of strings"),
         "`data` missing or not an object (single commands), `dataArray` missing, not a list "
         "or empty (batches, and any entry that is not an object), `args` missing or not a "
         "list of strings (subscriptions).",
         bad={"op": "placeorders", "dataArray": []},
         good={"op": "cancelorders", "dataArray": [{"marketCode": "BTC-USD-SWAP-LIN",
                                                    "orderId": 1}]},
         name="bad-payload", error="BadRequest"),
    Rule("20002", COMMANDS, Envelope("internal_error", "the checker itself failed"),
         "The checker failed on this frame (a bug: please report it). The frame is answered "
         "with 20002 and the warning W000 instead of an exception, so a send path never breaks "
         "and nothing unchecked is sent.",
         bad=_BrokenMapping(op="placeorder"), good=_ORDER, name="internal-error", error="BadRequest"),
)

#: The code whose violating frames are JSON text (str or bytes), not dicts: it types
#: ``oxpreflight.strategies.violating``.
TextFrameCode = Literal["20009"]
