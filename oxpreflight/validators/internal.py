"""The one answer to a failure inside the checker: 20002 with the warning W000, never an
exception into a send path (used by the engine and the session)."""
from __future__ import annotations

from typing import Optional

from ..rules.frame import RULES as _FRAME_RULES
from .clock import system_clock
from .replies import rejection
from .verdict import Notice, Verdict

#: The frame table's internal-error row: its code is the answer.
INTERNAL_ERROR = next(r for r in _FRAME_RULES if getattr(r.fails, "name", "") == "internal_error")
WARNING_CODE = "W000"


def internal_error(exc: BaseException, now: Optional[int] = None) -> Verdict:
    """The verdict for a frame the checker failed on (``exc`` names the bug; never the frame:
    it might hold a secret). No clock of the user's is called: it may be what failed."""
    note = Notice(WARNING_CODE, None, None,
                  f"internal error ({type(exc).__name__}); please report it", INTERNAL_ERROR.name)
    return rejection(INTERNAL_ERROR.code, op=None, tag=None, data=None,
                     now=system_clock() if now is None else now, warnings=(note,),
                     rule=INTERNAL_ERROR.name)


__all__ = ["internal_error", "INTERNAL_ERROR"]
