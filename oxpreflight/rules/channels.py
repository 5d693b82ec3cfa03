"""Subscription channels: the names the websocket docs list, which of them need a logged-in
connection, and the warnings for a subscription that will stream nothing.

Source: oxfun-exchange-docs ``_v2_websocket.md``, "Subscriptions - Private" ("All
subscriptions to private account channels requires an authenticated websocket connection":
balance, position, order) and "Subscriptions - Public" (depthL5/L10/L25, depth, depthUpdate,
bestBidAsk, trade, ticker, candles<granularity>, liquidationRFQ, market), each channel's
``args`` row giving its form (``order:all`` or ``order:<marketCode>``, ...). No code is
documented for an unknown channel or for a private one before login, so both are warnings.
"""
import re

from .language import SUBSCRIPTION_COMMANDS, Envelope, Rule

#: Channels needing an authenticated connection: ``<name>:all`` or ``<name>:<id>``.
PRIVATE = ("balance", "position", "order")
_PUBLIC_ALL = ("ticker", "market")  # also ``:all``
_PUBLIC = ("depthL5", "depthL10", "depthL25", "depth", "depthUpdate", "bestBidAsk", "trade")
_ID = r"[A-Za-z0-9][A-Za-z0-9.\-]*"
#: A channel name the docs list (``trade:BTC-USD-SWAP-LIN``, ``candles60s:...``, ...).
CHANNEL = re.compile(
    rf"(?:(?:{'|'.join(PRIVATE + _PUBLIC_ALL)}):(?:all|{_ID})"
    rf"|(?:{'|'.join(_PUBLIC)}):{_ID}|candles[0-9]+s:{_ID}|liquidationRFQ)").fullmatch
#: A private channel, by its name before the colon.
PRIVATE_CHANNEL = re.compile(rf"(?:{'|'.join(PRIVATE)}):.+").fullmatch

#: The session's notice on a subscription to a private channel before a login was observed.
PRIVATE_BEFORE_LOGIN = "W105"
PRIVATE_BEFORE_LOGIN_RULE = "subscription-private-before-login"
PRIVATE_BEFORE_LOGIN_TEXT = (
    "{fill}: private channels need an authenticated connection and no successful login was "
    "observed on this one; log in first, or nothing will be streamed")

RULES = (
    Rule("W011", SUBSCRIPTION_COMMANDS, Envelope("no_channels", "`args` empty"),
         "`args` is an empty list: the command subscribes to nothing.",
         bad={"op": "subscribe", "tag": 1, "args": []},
         good={"op": "subscribe", "tag": 1, "args": ["trade:BTC-USD-SWAP-LIN"]}, field="args",
         warning="args is empty: nothing is subscribed", name="subscription-empty",
         why="The docs give `args` as the list of channels; no code is documented for an "
             "empty one, which the exchange passes silently."),
    Rule("W011", SUBSCRIPTION_COMMANDS, Envelope("unknown_channel",
                                                 "`args` names a channel the docs do not list"),
         "A channel name the docs do not list (`foo:bar`, `orders:all`, `trades:...`).",
         bad={"op": "subscribe", "tag": 1, "args": ["order:all", "foo:bar"]},
         good={"op": "subscribe", "tag": 1, "args": ["order:all", "candles60s:OX-USDT"]},
         field="args", fill="unknown",
         warning="channels the exchange does not document, which it will not stream: {fill}",
         name="subscription-unknown-channel",
         why="Channel names from the docs' subscription sections (this module's docstring); "
             "no code is documented for an unknown one. The market part is not checked "
             "against the catalogue (a subscription to an unlisted market is the exchange's "
             "to answer)."),
)
