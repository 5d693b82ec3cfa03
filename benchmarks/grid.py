"""The rows of the benchmark table and the cells (row x frame) that time them.

oxpreflight rows (their verdicts are checked before and after timing) and, on the same frames,
the anchors of issue 9: ``json.dumps``, ``orjson.dumps``, ``json.loads``, ``orjson.loads``, a
plain pydantic model, a msgspec typed decode and fastjsonschema.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import orjson

from benchmarks import contenders as C
from benchmarks import frames as F
from benchmarks import holes as H
from benchmarks.timing import Cell

CHECK_DICT = "oxpreflight check(dict)"
CHECK_TEXT = "oxpreflight check(text)"
SUBMIT = "oxpreflight session.submit(text)"
GENERAL = "oxpreflight _general(dict), no fast path"
DUMPS = "json.dumps(frame)"
ORJSON_DUMPS = "orjson.dumps(frame)"
LOADS = "json.loads(text)"
ORJSON_LOADS = "orjson.loads(text)"
PLAIN = "pydantic model_validate(dict), plain model"
MSGSPEC = "msgspec Decoder(Struct).decode(text)"
FASTJSONSCHEMA = "fastjsonschema(dict), compiled"
ROWS = (CHECK_DICT, CHECK_TEXT, SUBMIT, GENERAL, DUMPS, ORJSON_DUMPS, LOADS, ORJSON_LOADS, PLAIN,
        MSGSPEC, FASTJSONSCHEMA)
#: The rows the holes table reads, by role.
ROW_NAMES = {"check_dict": CHECK_DICT, "check_text": CHECK_TEXT, "loads": ORJSON_LOADS,
             "dumps": DUMPS, "submit": SUBMIT}
OURS = (CHECK_DICT, CHECK_TEXT, SUBMIT, GENERAL)
#: The frames ``session.submit`` is timed on (its target compares it with ``check(text)``).
SUBMIT_CASES = ("limit", "limit_float")

LOGIN_REPLY = {"event": "login", "success": True, "tag": "1",
               "data": {"isLogin": True, "accountId": "1234"}}
ORDER_OPENED = {"table": "order", "data": [{
    "notice": "OrderOpened", "accountId": "1234", "clientOrderId": "9", "orderId": F.ORDER_ID,
    "price": "68000", "quantity": "1.5", "side": "BUY", "status": "OPEN",
    "marketCode": F.MARKET, "timeInForce": "GTC", "timestamp": str(F.NOW - 50),
    "orderType": "LIMIT", "isTriggered": "false"}]}


def make_session(pf: Any) -> Any:
    """A logged-in session with no practical rate limit that has seen the open order."""
    session = pf.session(rate_limit=10**9)
    session.observe(LOGIN_REPLY)
    session.observe(ORDER_OPENED)
    return session


def _guarded(fn: Callable, arg: Any) -> tuple[Callable, str]:
    """``fn`` itself when it accepts ``arg``; a catching wrapper and a note when it raises
    (a contender that rejects a frame is timed rejecting it)."""
    try:
        fn(arg)
    except Exception as exc:
        def guarded(value, fn=fn):
            try:
                return fn(value)
            except Exception:
                return None
        return guarded, f"rejects ({type(exc).__name__})"
    return fn, ""


def build_cells(pf: Any, cases: tuple = F.CASES) -> list[Cell]:
    """Every (row, case) cell; a row that cannot run is a cell with a note and no function.
    The general-plan row (the engine's ``_general``, what ``check`` does without its fast
    paths) is there when the engine has one."""
    cells: list[Cell] = []
    general = getattr(pf, "_general", None)
    for case in cases:
        frame, text = case.frame, case.text
        cells.append(Cell(CHECK_DICT, case, pf.check, frame, verify=True))
        cells.append(Cell(CHECK_TEXT, case, pf.check, text, verify=True))
        if case.key in SUBMIT_CASES:
            cells.append(_submit_cell(pf, case))
        if general is not None:
            cells.append(Cell(GENERAL, case, general, frame, verify=True))
        for row, fn, arg in ((DUMPS, json.dumps, frame), (ORJSON_DUMPS, orjson.dumps, frame),
                             (LOADS, json.loads, text), (ORJSON_LOADS, orjson.loads, text),
                             (PLAIN, C.PLAIN_MODELS[case.op].model_validate, frame),
                             (MSGSPEC, C.msgspec_decoder(case.op), text),
                             (FASTJSONSCHEMA, C.fastjsonschema_validator(case.op), frame)):
            fn, note = _guarded(fn, arg)
            cells.append(Cell(row, case, fn, arg, note=note))
    if cases is F.CASES:
        cells += _hole_cells(pf, H.HOLES) + H.floor_cells(pf)
    return cells


def _hole_cells(pf: Any, cases: tuple) -> list[Cell]:
    """``check`` of dict and text, ``json.dumps`` and ``orjson.loads`` of each case."""
    cells: list[Cell] = []
    for case in cases:
        cells += [Cell(CHECK_DICT, case, pf.check, case.frame, verify=True),
                  Cell(CHECK_TEXT, case, pf.check, case.text, verify=True),
                  Cell(DUMPS, case, json.dumps, case.frame),
                  Cell(ORJSON_LOADS, case, orjson.loads, case.text)]
        if case.key in SUBMIT_CASES:
            cells.append(_submit_cell(pf, case))
    return cells


def holes_cells(pf: Any) -> list[Cell]:
    """The cells of the holes table alone (``python benchmarks/holes.py``)."""
    return _hole_cells(pf, H.CASES) + H.floor_cells(pf)


def _submit_cell(pf: Any, case: F.Case) -> Cell:
    try:
        make_session(pf)
    except Exception as exc:  # the session's API moved: say so instead of failing the run
        return Cell(SUBMIT, case, None, note=f"skipped: no session ({type(exc).__name__}: "
                                             f"{exc})")
    return Cell(SUBMIT, case, make_session(pf).submit, case.text, verify=True,
                reset=lambda: make_session(pf).submit)
