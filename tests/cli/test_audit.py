"""oxpreflight.audit from Python: the same replay as ``oxpreflight audit``, as a report object."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from oxpreflight.audit import AuditReport, Auditor, ReplayClock, audit
from oxpreflight.rules.catalogue import CODES
from oxpreflight.rules.examples import NOW
from oxpreflight import Preflight

ROOT = Path(__file__).resolve().parents[2]
CAPTURE = ROOT / "examples" / "capture.jsonl"

LIMIT = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
    "quantity": "0.001", "price": "68000"}}
NO_PRICE = {"op": "placeorder", "tag": 2, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT", "quantity": "0.001"}}
LOGIN = {"op": "login", "tag": "L", "data": {"apiKey": "k", "timestamp": NOW, "signature": "s"}}
LOGGED_IN = {"event": "login", "success": True, "tag": "L", "data": {"accountId": "1"}}


def sent(frame, ts=NOW):
    return {"direction": "sent", "ts": ts, "frame": frame}


def received(tag, code=None):
    out = {"event": "placeorder", "submitted": code is None, "tag": str(tag), "data": {}}
    if code is not None:
        out.update(code=code, message=CODES[code].message)
    return {"direction": "received", "ts": NOW + 20, "frame": out}


def no_price_code() -> str:
    return Preflight().check(NO_PRICE).code


def test_audit_when_example_capture_path_then_report_matches_the_cli():
    report = audit(CAPTURE)
    assert isinstance(report, AuditReport)
    assert (report.disagreements, report.agreements) == (1, 8)
    assert [(d.expected.line, d.kind) for d in report.found] == [(6, "exchange-rejected")]
    assert report.found[0].text().startswith("line 6: placeorder tag 3: local accepted")
    assert "disagreements" in report.summary()


def test_audit_when_lines_as_text_or_records_then_same_report():
    records = [sent(LOGIN), received("L"), sent(LIMIT), received(1), sent(NO_PRICE),
               received(2)]
    records[1]["frame"] = LOGGED_IN
    as_text = [json.dumps(r) for r in records]
    for capture in (records, as_text, [t.encode() for t in as_text]):
        report = audit(capture)
        assert (report.matched, report.disagreements) == (3, 1)
        (found,) = report.found
        assert (found.kind, found.expected.verdict.code) == ("local-rejected",
                                                             no_price_code())


def test_audit_when_options_then_they_reach_the_session():
    capture = [sent(LIMIT), received(1)]
    assert audit(capture).disagreements == 1          # no login in the capture
    assert audit(capture, logged_in=True).disagreements == 0
    assert any("--logged-in" in hint for hint in audit(capture).hints)


def test_audit_when_now_and_no_clock_then_time_rules_follow():
    order = {"op": "placeorder", "tag": 9, "data": dict(LIMIT["data"], timestamp=NOW - 10_000,
                                                       recvWindow=500)}
    capture = [{"direction": "sent", "frame": order}, received(9)]
    assert audit(capture, logged_in=True, now=NOW).disagreements == 1
    assert audit(capture, logged_in=True, clock=False).disagreements == 0


def test_auditor_when_fed_line_by_line_then_disagreements_come_as_found():
    clock = ReplayClock(NOW)
    auditor = Auditor(Preflight(clock=clock), clock, logged_in=True)
    assert auditor.feed(1, json.dumps(sent(NO_PRICE))) == []
    (found,) = auditor.feed(2, json.dumps(received(2)))
    assert found.kind == "local-rejected"
    report = auditor.finish()
    assert report.found == [] and report.disagreements == 1


def test_audit_when_path_is_missing_then_oserror():
    with pytest.raises(OSError):
        audit(ROOT / "no-such-capture.jsonl")


def accepted(event, tag):
    return {"direction": "received", "frame": {"event": event, "submitted": True,
                                               "tag": str(tag), "data": {}}}


def test_audit_when_capture_cancels_an_order_placed_before_it_then_hint_and_option():
    cancel = {"op": "cancelorder", "tag": 4, "data": {"marketCode": "BTC-USD-SWAP-LIN",
                                                      "orderId": 1234}}
    capture = [sent(cancel), accepted("cancelorder", 4)]
    report = audit(capture, logged_in=True)
    assert report.disagreements == 1
    assert [h for h in report.hints if "--no-track-orders" in h]
    assert audit(capture, logged_in=True, track_orders=False).disagreements == 0


def test_audit_when_untimed_lines_replay_too_fast_then_hint_and_option():
    capture = []
    for i in range(80):
        order = {"op": "placeorder", "tag": i, "data": dict(LIMIT["data"], clientOrderId=i + 1)}
        capture += [{"direction": "sent", "frame": order}, accepted("placeorder", i)]
    report = audit(capture, logged_in=True, now=NOW)
    assert report.disagreements > 0
    assert [h for h in report.hints if "--no-rate-limit" in h]
    assert not [h for h in report.hints if "--logged-in" in h or "--no-track" in h]
    assert audit(capture, logged_in=True, now=NOW, rate_limit=False).disagreements == 0
