"""Warnings for orders the exchange acknowledges (``submitted: true``) and its matching engine
then rejects on the order channel, where the frame alone decides it.

Source: the OPNX matching engine (``OPNX-live/opnx-matching-engine``): the statuses in
``include/order.h`` (``OrderStatusType``) and the checks that set them before an order is
sent on (``manager/manager.cpp``, the order check loop: quantity and amount both above zero,
displayQuantity above quantity, displayQuantity zero without amount). Rejections that need the
book (a MAKER_ONLY order that would take: ``CANCELED_BY_MAKER_ONLY`` in ``engine/engine.cpp``)
are not decided from a frame and draw nothing.
"""
from .language import (
    ORDER_COMMANDS as PLACE, Absent, AtMostZero, Greater, Not, NotNumber, Present, Rule,
)
from .examples import order

_AFTER = "the exchange acknowledges it (submitted: true), then its matching engine rejects it " \
    "on the order channel"
_ENGINE = "OPNX matching engine, include/order.h OrderStatusType and manager/manager.cpp's " \
    "order checks: "
_MARKET_BUY = order(orderType="MARKET", price=None, marketCode="BTC-USDT", quantity="0.001")

RULES = (
    Rule("W010", PLACE, Greater("displayQuantity", "quantity"),
         "`displayQuantity` larger than `quantity` (an iceberg shows at most its size).",
         bad=order(displayQuantity="0.002"), good=order(displayQuantity="0.0005"),
         field="displayQuantity",
         warning="displayQuantity {value} is larger than quantity: " + _AFTER
                 + " (REJECT_DISPLAY_QUANTITY_LARGER_THAN_QUANTITY)",
         name="display-quantity-above-quantity",
         why=_ENGINE + "`0 < quantity && quantity < displayQuantity` sets "
             "REJECT_DISPLAY_QUANTITY_LARGER_THAN_QUANTITY after the gateway accepted the "
             "order. A warning, not a rejection: no code answers it before acknowledgement."),
    Rule("W010", PLACE, AtMostZero("displayQuantity") & Absent("amount"),
         "`displayQuantity` zero or negative on an order without `amount`.",
         bad=order(displayQuantity="0"), good=order(displayQuantity="0.0005"),
         field="displayQuantity",
         warning="displayQuantity {value} is not above zero: " + _AFTER
                 + " (REJECT_DISPLAY_QUANTITY_ZERO)",
         name="display-quantity-zero",
         why=_ENGINE + "`0 >= displayQuantity && 0 == amount` sets "
             "REJECT_DISPLAY_QUANTITY_ZERO."),
    Rule("W010", PLACE, Present("quantity") & Present("amount") & Not(NotNumber("amount"))
         & Not(AtMostZero("amount")),
         "Both `quantity` and a positive `amount` (give one of them).",
         bad=dict(_MARKET_BUY, amount="100"), good=_MARKET_BUY, field="amount",
         warning="quantity and amount {value} are both given: " + _AFTER
                 + " (REJECT_QUANTITY_AND_AMOUNT_LARGER_ZERO); give one of them",
         name="quantity-and-amount",
         why=_ENGINE + "`0 < quantity && 0 < amount` sets "
             "REJECT_QUANTITY_AND_AMOUNT_LARGER_ZERO."),
)
