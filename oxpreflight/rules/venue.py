"""What the exchange's order channel says beyond the error table, for the exchange double
(:mod:`oxpreflight.testing.exchange`): the failure pushes of a cancel or modify that found its
order closed, the statuses of closed and matched orders, and which codes a test may inject."""
from __future__ import annotations

from .catalogue import CODES
from .session import ORDER_GONE_CODE

#: The failure push of a cancel (event ``CANCEL``) or a modify (event ``AMEND``) whose order
#: had already closed, as documented (code :data:`ORDER_GONE_CODE`).
ORDER_GONE = {
    "cancelorder": ("CANCEL", "Order request was rejected : REJECT_CANCEL_ORDER_ID_NOT_FOUND",
                    "REJECT_CANCEL_ORDER_ID_NOT_FOUND"),
    "modifyorder": ("AMEND", "Order request was rejected : REJECT_AMEND_ORDER_ID_NOT_FOUND",
                    "REJECT_AMEND_ORDER_ID_NOT_FOUND"),
}

#: OrderClosed statuses (documented).
CANCELED_BY_USER = "CANCELED_BY_USER"
CANCELED_BY_MAKER_ONLY = "CANCELED_BY_MAKER_ONLY"
CANCELED_BY_FOK = "CANCELED_BY_FOK"
CANCELED_ALL_BY_IOC = "CANCELED_ALL_BY_IOC"
#: The OrderMatched status of a full fill (the double fills in full).
FILLED = "FILLED"
#: What fills a message's ``xxx`` placeholder in an injected failure: the recorded 710001
#: reply reads "System failure, exception thrown -> null".
INJECTED_FILL = "null"


def injectable(value: object) -> str:
    """``value`` as a code of the error table (``"101"`` -> ``"000101"``); ``ValueError`` for
    anything the table does not list."""
    text = str(value).strip()
    if text not in CODES and text.isdigit():
        text = next((c for c in CODES if c.lstrip("0") == text.lstrip("0")), text)
    if text not in CODES:
        raise ValueError(f"{value!r} is not a code in the exchange's error table")
    return text


__all__ = ["ORDER_GONE", "ORDER_GONE_CODE", "INJECTED_FILL", "injectable", "CANCELED_BY_USER",
           "CANCELED_BY_MAKER_ONLY", "CANCELED_BY_FOK", "CANCELED_ALL_BY_IOC", "FILLED"]
