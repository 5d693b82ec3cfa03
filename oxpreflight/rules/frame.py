"""Frame and envelope rules: what the exchange checks before it looks at any order."""
from .language import COMMANDS, SUBSCRIPTION_COMMANDS, Envelope, Rule

_ORDER = '{"op":"placeorder","tag":1,"data":{"marketCode":"BTC-USD-SWAP-LIN","side":"BUY",' \
         '"orderType":"MARKET","quantity":"0.001"}}'
_WITH_DATA = tuple(op for op in COMMANDS if op not in SUBSCRIPTION_COMMANDS)

RULES = (
    Rule("20027", COMMANDS, Envelope("too_long", "text longer than max_message_length"),
         "Frame text longer than `max_message_length` characters (4000 by default); for a "
         "dict, the length of its compact JSON encoding.",
         bad='{"op":"placeorder","tag":"' + "x" * 4000 + '","data":{}}', good=_ORDER,
         name="frame-too-long", error="BadRequest"),
    Rule("20009", COMMANDS, Envelope("not_json", "not JSON, or not a JSON object"),
         "The frame is not JSON, or not a JSON object (the text `ping` is the keep-alive and "
         "passes).",
         bad='{"op": "placeorder", "data": {', good=_ORDER, name="not-json", error="BadRequest"),
    Rule("20003", COMMANDS, Envelope("unknown_op", "`op` missing or not one of the nine"),
         "`op` missing, or not one of the nine commands (case-sensitive).",
         bad={"op": "placeOrder", "data": {}}, good={"op": "subscribe", "args": ["order:all"]},
         field="op", name="unknown-op", error="BadRequest"),
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
)
