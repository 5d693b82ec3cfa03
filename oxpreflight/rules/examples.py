"""The catalogue and clock every rule example runs against (``oxpreflight explain`` too).

Figures from the exchange's published markets of mid-2024, plus the illustrative repo, spread
and not-yet-listed markets of the test catalogue.
"""

#: 2024-06-02T17:09:20Z, the date of the market figures below.
NOW = 1717348160000

MARKETS = [
    {"marketCode": "BTC-USD-SWAP-LIN", "type": "FUTURE", "base": "BTC", "counter": "USD",
     "tickSize": "1", "minSize": "0.0001", "listedAt": "1704686640000",
     "upperPriceBound": "75026", "lowerPriceBound": "61384", "markPrice": "68205"},
    {"marketCode": "ETH-USD-SWAP-LIN", "type": "FUTURE", "base": "ETH", "counter": "USD",
     "tickSize": "0.1", "minSize": "0.001", "listedAt": "1704801600000",
     "upperPriceBound": "4173.3", "lowerPriceBound": "3414.5", "markPrice": "3793.9"},
    {"marketCode": "BTC-USDT", "type": "SPOT", "base": "BTC", "counter": "USDT",
     "tickSize": "0.1", "minSize": "0.001", "listedAt": "1593345600000",
     "upperPriceBound": "65950.5", "lowerPriceBound": "60877.3", "markPrice": "63413.9"},
    {"marketCode": "BTC-USD-REPO-LIN", "type": "REPO", "base": "BTC", "counter": "USD",
     "tickSize": "0.000001", "minSize": "0.001", "listedAt": "1593345600000",
     "upperPriceBound": "0.0005", "lowerPriceBound": "-0.0005", "markPrice": "0.00008"},
    {"marketCode": "BTC-USD-SPR-QP-LIN", "type": "SPREAD", "base": "BTC", "counter": "USD",
     "tickSize": "0.5", "minSize": "0.001", "listedAt": "1593345600000",
     "settlementAt": "2147625300000", "upperPriceBound": "1500", "lowerPriceBound": "-500",
     "markPrice": "350"},
    {"marketCode": "ETH-USD-SWAP-LIN-NEW", "type": "FUTURE", "base": "ETH", "counter": "USD",
     "tickSize": "0.1", "minSize": "0.001", "listedAt": "4102444800000",
     "upperPriceBound": "4173.3", "lowerPriceBound": "3414.5", "markPrice": "3793.9"},
    {"marketCode": "BTC-USD-240628-LIN", "type": "FUTURE", "base": "BTC", "counter": "USD",
     "tickSize": "1", "minSize": "0.0001", "listedAt": "1593345600000",
     "settlementAt": "1719561600000", "upperPriceBound": "75026", "lowerPriceBound": "61384"},
    {"marketCode": "BTC-USD-240531-LIN", "type": "FUTURE", "base": "BTC", "counter": "USD",
     "tickSize": "1", "minSize": "0.0001", "listedAt": "1593345600000",
     "settlementAt": "1717142400000"},
    # Illustrative: a market described without bounds or minimum size (what cannot be checked).
    {"marketCode": "BTC-USD-SWAP-LIN-BARE", "type": "FUTURE", "base": "BTC", "counter": "USD",
     "tickSize": "1", "listedAt": "1704686640000"},
]

#: A valid LIMIT order the examples start from.
LIMIT = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
         "quantity": "0.001", "price": "68000", "timeInForce": "GTC"}


def order(**changes):
    """``LIMIT`` with fields changed; a value of ``None`` removes the field."""
    out = dict(LIMIT)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out
