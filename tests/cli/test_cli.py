"""The command line: check, audit, codes, explain; exit codes, output formats, workers."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oxpreflight import Preflight, cli, docs
from oxpreflight.cli.progress import Progress
from oxpreflight.rules import RULES
from oxpreflight.rules.examples import NOW
from oxpreflight.rules.catalogue import CODES, KNOWN, OBSERVED

ROOT = Path(__file__).resolve().parents[2]
FRAMES = ROOT / "examples" / "frames.jsonl"
CAPTURE = ROOT / "examples" / "capture.jsonl"

LIMIT = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
    "quantity": "0.001", "price": "68000"}}
NO_PRICE = {"op": "placeorder", "tag": 2, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT", "quantity": "0.001"}}


def jsonl(*frames) -> str:
    return "".join((f if isinstance(f, str) else json.dumps(f)) + "\n" for f in frames)


@pytest.fixture
def write(tmp_path):
    def write(text, name="frames.jsonl", mode="w"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counts(out: str) -> dict:
    """The summary rows (``name   1,234``) of check or audit output."""
    rows = re.findall(r"^([a-z][a-z ()]*?) {2,}([\d,]+)$", out, re.M)
    return {name: int(value.replace(",", "")) for name, value in rows}


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("oxpreflight: error: ")
    return lines[0]


# -- check: verdicts and exit codes --------------------------------------------------------------
def test_check_when_all_frames_pass_then_exit_0(capsys, write):
    code, out, err = run(capsys, "check", write(jsonl(LIMIT, LIMIT, "ping")))
    assert code == 0
    assert "line " not in out
    # W008 on each LIMIT order: the embedded catalogue has no price bounds to check
    assert counts(out) == {"frames checked": 3, "accepted": 3, "rejected": 0, "warnings": 2,
                           "frames with warnings": 2}


def test_check_when_a_frame_is_rejected_then_line_code_message_and_exit_1(capsys, write):
    code, out, _ = run(capsys, "check", write(jsonl(LIMIT, NO_PRICE)))
    assert code == 1
    assert "line 2: 20022 price is required for LIMIT order (field price) [limit-price]" in out
    assert "20022           1  price is required for LIMIT order" in out


def test_check_when_example_file_then_every_documented_case_shows(capsys):
    code, out, _ = run(capsys, "check", str(FRAMES))
    assert code == 1  # the example mixes good and bad frames on purpose
    for expected in ("line 3: 20022", "line 4: 20029", "line 5: 20034", "line 6: 20015",
                     "line 7: 20016 side is invalid (field dataArray[1].side)",
                     "line 9: 20010", "line 10: 20009"):
        assert expected in out
    # W001 and W002 on line 12; W008 (no bounds embedded) on the LIMIT orders of lines 2, 7, 12
    assert counts(out) == {"frames checked": 13, "accepted": 6, "rejected": 7, "warnings": 5,
                           "frames with warnings": 3}


def test_check_when_warnings_flag_then_each_warning_line_is_printed(capsys):
    _, plain, _ = run(capsys, "check", str(FRAMES))
    _, shown, _ = run(capsys, "check", str(FRAMES), "--warnings")
    assert "warning W002" not in plain.split("\n\n")[0]
    assert "line 12: warning W002 price 3800.05 is not a multiple of the tick size" in shown
    assert "(field price) [price-off-tick]" in shown
    assert "line 12: warning W001" in shown


def test_check_when_batch_has_two_bad_items_then_one_line_each_counted_once(capsys, write):
    good = dict(LIMIT["data"])
    frame = {"op": "placeorders", "tag": 3, "dataArray": [
        good, dict(good, side="buy"), dict(good, marketCode="nope")]}
    code, out, _ = run(capsys, "check", write(jsonl(frame)))
    assert code == 1
    assert "line 1: 20016 side is invalid (field dataArray[1].side)" in out
    assert "line 1: 20015 marketCode is invalid (field dataArray[2].marketCode)" in out
    assert counts(out)["rejected"] == 1  # one frame, rejected with its first code


def test_check_when_blank_lines_then_skipped_and_counted_not_checked(capsys, write):
    code, out, _ = run(capsys, "check", write("\n" + jsonl(LIMIT) + "   \n\t\n" + jsonl(LIMIT)))
    assert code == 0
    assert counts(out)["frames checked"] == 2
    assert counts(out)["blank lines (skipped)"] == 3


def test_check_when_crlf_line_ends_then_same_verdicts(capsys, write):
    code, out, _ = run(capsys, "check", write(jsonl(LIMIT, NO_PRICE).replace("\n", "\r\n")))
    assert code == 1
    assert "line 2: 20022" in out
    assert counts(out)["frames checked"] == 2


def test_check_when_line_is_not_utf8_then_20009_not_a_crash(capsys, write):
    path = write(jsonl(LIMIT).encode() + b'{"op":"placeorder\xff"}\n' + jsonl(LIMIT).encode())
    code, out, err = run(capsys, "check", path)
    assert code == 1
    assert "line 2: 20009 JSON data format is invalid" in out
    assert "Traceback" not in err


def test_check_when_last_line_has_no_newline_then_it_is_checked(capsys, write):
    code, out, _ = run(capsys, "check", write(jsonl(LIMIT) + json.dumps(NO_PRICE)))
    assert (code, "line 2: 20022" in out) == (1, True)


def test_check_when_file_is_empty_then_zero_frames_and_exit_0(capsys, write):
    code, out, _ = run(capsys, "check", write(""))
    assert code == 0
    assert counts(out)["frames checked"] == 0


def test_check_when_stdin_dash_then_reads_standard_input(capsys, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(jsonl(LIMIT, NO_PRICE).encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(capsys, "check", "-")
    assert (code, "line 2: 20022" in out) == (1, True)


# -- check: options --------------------------------------------------------------------------------
def expiring(timestamp: int) -> dict:
    return {"op": "placeorder", "tag": 9, "data": dict(LIMIT["data"], timestamp=timestamp,
                                                       recvWindow=500)}


def test_check_when_now_is_past_recv_window_then_100015(capsys, write):
    path = write(jsonl(expiring(NOW - 10_000)))
    code, out, _ = run(capsys, "check", path, "--now", str(NOW))
    assert code == 1
    assert "line 1: 100015 recvWindow 500 has expired" in out
    assert run(capsys, "check", path, "--now", str(NOW - 9_800))[0] == 0


def test_check_when_no_clock_then_time_rules_are_off(capsys, write):
    assert run(capsys, "check", write(jsonl(expiring(1))), "--no-clock")[0] == 0


def test_check_when_markets_file_has_bounds_then_710003(capsys, write):
    markets = write(json.dumps({"success": True, "data": [
        {"marketCode": "BTC-USD-SWAP-LIN", "type": "FUTURE", "tickSize": "1", "minSize": "0.0001",
         "upperPriceBound": "75026", "lowerPriceBound": "61384"}]}), name="markets.json")
    high = {"op": "placeorder", "data": dict(LIMIT["data"], price="80000")}
    frames = write(jsonl(high))
    assert run(capsys, "check", frames)[0] == 0  # the embedded catalogue has no bounds
    code, out, _ = run(capsys, "check", frames, "--markets", markets)
    assert (code, "line 1: 710003 The price is higher than the maximum" in out) == (1, True)


def test_check_when_json_then_one_parsable_verdict_per_line_and_summary_on_stderr(capsys):
    code, out, err = run(capsys, "check", str(FRAMES), "--json")
    assert code == 1
    verdicts = [json.loads(line) for line in out.splitlines()]
    assert [v["line"] for v in verdicts] == list(range(1, 14))
    by_line = {v["line"]: v for v in verdicts}
    assert by_line[3] == {"line": 3, "ok": False, "code": "20022",
                          "message": "price is required for LIMIT order", "field": "price",
                          "rule": "limit-price"}
    assert by_line[2] == {"line": 2, **Preflight().check(LIMIT).as_dict()}
    assert (by_line[7]["items"][1]["code"], by_line[7]["items"][1]["rule"]) == (
        "20016", "order-side-enum")
    assert by_line[7]["rule"] == "order-side-enum"
    assert [w["code"] for w in by_line[12]["warnings"]] == ["W001", "W002", "W008"]
    assert "frames checked" in err


def test_check_accepted_json_template_equals_as_dict_encoding():
    from oxpreflight.validators.verdict import ACCEPTED

    assert cli.check.ACCEPTED_JSON % 7 == json.dumps({"line": 7, **ACCEPTED.as_dict()},
                                                separators=(",", ":"))


def big_capture(lines: int) -> str:
    frames = []
    for i in range(lines):
        frame = {"op": "placeorder", "tag": i, "data": dict(LIMIT["data"], clientOrderId=i + 1)}
        if i % 97 == 0:
            frame["data"].pop("price")
        if i % 89 == 0:
            frame["data"]["price"] = "68000.5"
        frames.append(frame if i % 131 else "not json")
    return jsonl(*frames) + "\n"


@pytest.mark.parametrize("as_json", [False, True])
def test_check_when_workers_2_then_output_identical_to_workers_1(capsys, write, monkeypatch,
                                                                   as_json):
    monkeypatch.setattr(cli.lines, "BLOCK_SIZE", 4096)  # many blocks, several in flight
    path = write(big_capture(2000))
    extra = ["--json"] if as_json else ["--warnings"]
    one = run(capsys, "check", path, "--workers", "1", *extra)
    two = run(capsys, "check", path, "--workers", "2", *extra)
    assert one[0] == two[0] == 1
    assert one[1] == two[1] and one[2] == two[2]
    assert one[1].count("20022") >= 20


# -- check: usage errors -------------------------------------------------------------------------
def test_check_when_file_is_missing_then_exit_2_with_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "check", str(tmp_path / "nope.jsonl"))
    assert code == 2 and out == ""
    assert "No such file or directory" in one_error_line(err)


def test_check_when_file_is_a_directory_then_exit_2_with_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert "directory" in one_error_line(err)


@pytest.mark.parametrize("content", [None, "{not json", '{"data": [{"marketCode": ""}]}'])
def test_check_when_markets_file_is_bad_then_exit_2_with_one_line(capsys, write, tmp_path,
                                                                  content):
    markets = str(tmp_path / "absent.json") if content is None else write(content, "m.json")
    code, _, err = run(capsys, "check", str(FRAMES), "--markets", markets)
    assert code == 2
    assert "market catalogue" in one_error_line(err)


@pytest.mark.parametrize("argv", [
    ["check"], ["check", "x", "--bogus"], ["check", "x", "--now", "soon"],
    ["check", "x", "--now", "1", "--no-clock"], ["check", "x", "--workers", "0"], [],
    ["frobnicate"],
])
def test_cli_when_usage_is_wrong_then_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err and "error" in err


# -- progress ------------------------------------------------------------------------------------
class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_when_stderr_is_a_terminal_then_bar_is_drawn_and_cleared():
    stream = FakeTerminal()
    bar = Progress(stream, total=1000)
    bar.last -= 1  # as if the last redraw were a second ago
    bar.advance(500, 10)
    bar.close()
    text = stream.getvalue()
    assert "50% [###############...............] 10 lines" in text
    assert text.endswith("\r\x1b[K")


def test_progress_when_stderr_is_not_a_terminal_then_nothing_is_written():
    stream = io.StringIO()
    bar = Progress(stream, total=1000)
    bar.last -= 1
    bar.advance(500, 10)
    bar.close()
    assert stream.getvalue() == ""


# -- codes and explain ---------------------------------------------------------------------------
def test_codes_when_run_then_every_code_in_table_order_is_accounted_for(capsys):
    code, out, _ = run(capsys, "codes")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert listed == list(KNOWN)  # the exchange's table in order, then the observed codes
    assert listed[:len(CODES)] == list(CODES)
    assert "NOT ACCOUNTED FOR" not in out
    assert "enforced by stop-limit-buy-order" in out
    assert "server-only: a timeout inside the exchange" in out
    assert "session-enforced: needs the account's balances" in out


def test_codes_when_markdown_then_one_row_per_code(capsys):
    _, out, _ = run(capsys, "codes", "--markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(KNOWN) + 1


def test_explain_when_20029_then_rule_condition_and_both_examples_run(capsys):
    code, out, _ = run(capsys, "explain", "20029")
    assert code == 0
    assert out.startswith("20029  stopPrice must be less than limitPrice for Buy Stop Order")
    assert "rule stop-limit-buy-order" in out
    assert "fails when: `orderType` is STOP_LIMIT and `side` is BUY and `stopPrice` > " \
           "`limitPrice`" in out
    assert "-> rejected 20029 stopPrice must be less than limitPrice for Buy Stop Order " \
           "(field stopPrice)" in out
    assert "-> accepted" in out


@pytest.mark.parametrize("code", sorted({r.code for r in RULES if not r.is_warning}))
def test_explain_when_a_rule_code_then_each_failing_example_shows_that_code(code):
    text = docs.explain(code)
    assert text.count(f"-> rejected {code} ") == len(docs.rules_for(code))


def test_explain_when_session_code_then_says_who_enforces_it(capsys):
    code, out, _ = run(capsys, "explain", "05001")
    assert code == 0 and "a session enforces it" in out


def test_explain_when_code_is_unknown_then_exit_2_with_one_line(capsys):
    code, _, err = run(capsys, "explain", "99999")
    assert code == 2
    assert "unknown code '99999'" in one_error_line(err)


def test_rule_table_markdown_when_generated_twice_then_identical_with_one_row_per_rule():
    table = docs.rule_table_markdown()
    assert table == docs.rule_table_markdown()
    rows = table.splitlines()[2:]
    assert len(rows) == len(RULES)
    assert rows[0].startswith("| frame-too-long | 20027 | The length of the message")
    assert all(row.count(" | ") == 4 for row in rows)  # no unescaped pipe in a cell
    assert not any(re.match(r"\| \d+ \|", row) for row in rows)  # no running numbers


def test_example_frame_when_data_only_then_wrapped_with_first_command():
    rule = next(r for r in RULES if r.name == "limit-price")
    assert docs.example_frame(rule, {"a": 1}) == {"op": "placeorder", "tag": 1, "data": {"a": 1}}
    assert docs.example_frame(rule, "ping") == "ping"


# -- audit ---------------------------------------------------------------------------------------
def sent(frame, ts=NOW):
    return {"direction": "sent", "ts": ts, "frame": frame}


def received(frame, ts=NOW + 20):
    return {"direction": "received", "ts": ts, "frame": frame}


LOGIN = {"op": "login", "tag": "L", "data": {"apiKey": "k", "timestamp": NOW, "signature": "s"}}
LOGGED_IN = {"event": "login", "success": True, "tag": "L", "data": {"accountId": "1"}}


def reply(tag, code=None, message=None, event="placeorder", **data):
    out = {"event": event, "submitted": code is None, "tag": str(tag), "timestamp": str(NOW),
           "data": data}
    if code is not None:
        out.update(code=code, message=message or CODES[code].message)
    return out


def test_audit_when_example_capture_then_the_disagreement_grouped_by_code(capsys):
    code, out, _ = run(capsys, "audit", str(CAPTURE))
    assert code == 1
    assert ("line 6: placeorder tag 3: local accepted, exchange rejected 710003 The price is "
            "higher than the maximum (reply line 7)") in out
    assert "710003                1  The price is higher than the maximum  (lines 6)" in out
    assert "20018" not in out  # the capture's IOC order agrees: enumerations are upper case
    assert counts(out)["agreements"] == 8  # incl. the batch matched by clientOrderId


def test_audit_when_json_then_one_object_per_disagreement(capsys):
    code, out, err = run(capsys, "audit", str(CAPTURE), "--json")
    found = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [(f["line"], f["kind"], f["exchange"]["code"], f["local"]["code"]) for f in found] \
        == [(6, "exchange-rejected", "710003", None)]
    assert "disagreements" in err


def test_audit_when_every_reply_agrees_then_exit_0(capsys, write):
    capture = jsonl(sent(LOGIN), received(LOGGED_IN), sent(LIMIT), received(reply(1)),
                    sent(NO_PRICE), received(reply(2, "20022")))
    code, out, _ = run(capsys, "audit", write(capture))
    assert code == 0
    assert (counts(out)["agreements"], counts(out)["disagreements"]) == (3, 0)


def test_audit_when_codes_differ_then_reported_local_to_exchange(capsys, write):
    capture = jsonl(sent(LOGIN), received(LOGGED_IN), sent(NO_PRICE),
                    received(reply(2, "20021")))
    code, out, _ = run(capsys, "audit", write(capture))
    assert code == 1
    assert "local rejected 20022 price is required for LIMIT order [limit-price], exchange " \
           "rejected 20021" \
        in out
    assert "20022 -> 20021" in out


def test_audit_when_batch_replies_arrive_out_of_order_then_matched_by_client_order_id(
        capsys, write):
    items = [dict(LIMIT["data"], clientOrderId=1), dict(LIMIT["data"], clientOrderId=2,
                                                         marketCode="nope")]
    capture = jsonl(sent(LOGIN), received(LOGGED_IN),
                    sent({"op": "placeorders", "tag": 5, "dataArray": items}),
                    received(reply(5, "20015", clientOrderId="2")),
                    received(reply(5, clientOrderId="1")))
    assert run(capsys, "audit", write(capture))[0] == 0


def test_audit_when_reply_and_frames_unmatched_then_listed_not_disagreements(capsys, write):
    capture = jsonl(sent(LOGIN), received(LOGGED_IN), sent(LIMIT),
                    received(reply(77, "20022")), {"direction": "sideways", "frame": {}},
                    "not json at all")
    code, out, _ = run(capsys, "audit", write(capture))
    assert code == 0
    assert "unanswered (sent lines): 3" in out
    assert "unmatched replies (lines): 4" in out
    assert 'skipped lines: 5 (direction is not "sent" or "received"), 6 (not JSON)' in out


def test_audit_when_capture_starts_after_login_then_hint_and_logged_in_option(capsys, write):
    path = write(jsonl(sent(LIMIT), received(reply(1))))
    code, out, _ = run(capsys, "audit", path)
    assert code == 1 and "05001" in out and "try --logged-in" in out
    assert run(capsys, "audit", path, "--logged-in")[0] == 0


def test_audit_when_ts_given_then_it_is_the_clock_of_that_line(capsys, write):
    order = expiring(NOW)
    late = jsonl(sent(LOGIN), received(LOGGED_IN), sent(order, ts=NOW + 600),
                 received(reply(9)))
    code, out, _ = run(capsys, "audit", write(late))
    assert code == 1 and "local rejected 100015 recvWindow 500 has expired" in out
    on_time = late.replace(f'"ts": {NOW + 600}', f'"ts": {NOW + 100}')
    assert run(capsys, "audit", write(on_time, "b.jsonl"))[0] == 0


def test_audit_when_session_is_unavailable_then_frames_checked_alone(capsys, write,
                                                                     monkeypatch):
    def no_session(self, **options):
        raise ImportError("oxpreflight.session")

    monkeypatch.setattr(Preflight, "session", no_session)
    capture = jsonl(sent(LIMIT), received(reply(1, "710003")))
    code, out, _ = run(capsys, "audit", write(capture))
    assert code == 1
    assert "710003" in out and "checked alone" in out


def test_audit_when_capture_is_missing_then_exit_2_with_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "audit", str(tmp_path / "none.jsonl"))
    assert code == 2
    one_error_line(err)


# -- real processes ------------------------------------------------------------------------------
def python_m(*argv, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "oxpreflight", *argv], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_python_m_check_example_then_exit_1_and_summary():
    done = python_m("check", "examples/frames.jsonl")
    assert done.returncode == 1
    assert "line 3: 20022 price is required for LIMIT order (field price)" in done.stdout
    assert "frames checked" in done.stdout and done.stderr == ""


def test_python_m_check_missing_file_then_exit_2_one_line_no_traceback():
    done = python_m("check", "does/not/exist.jsonl")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == ("oxpreflight: error: cannot read does/not/exist.jsonl: "
                                   "No such file or directory")


def test_python_m_check_stdin_with_workers_then_same_as_one_worker(tmp_path):
    text = big_capture(30_000)
    one = python_m("check", "-", "--json", stdin=text)
    two = python_m("check", "-", "--json", "--workers", "2", stdin=text)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 30_001 - 1


def test_python_m_audit_example_then_exit_1():
    done = python_m("audit", "examples/capture.jsonl")
    assert done.returncode == 1 and "710003" in done.stdout


# -- codes --json and explain --json (shapes other tests rely on) --------------------------------
ROW_KEYS = {"name", "where", "doc", "why", "bad", "good"}


def test_codes_json_when_run_then_one_object_per_code_in_table_order(capsys):
    code, out, _ = run(capsys, "codes", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [row["code"] for row in rows] == list(KNOWN)
    keys = {"code", "message", "enforced_by", "rules", "observed"}
    assert all(set(row) == keys | ({"source"} if row["observed"] else set()) for row in rows)
    assert [row["code"] for row in rows if not row["observed"]] == list(CODES)
    assert all(row["message"] == KNOWN[row["code"]].message for row in rows)
    assert {row["enforced_by"] for row in rows} == {"check", "session", "server"}
    by_code = {row["code"]: row for row in rows}
    assert [r["name"] for r in by_code["20029"]["rules"]] == ["stop-limit-buy-order"]
    assert all(set(r) == ROW_KEYS for row in rows for r in row["rules"])
    checked = {row["code"] for row in rows if row["enforced_by"] == "check"}
    assert checked == {r.code for r in RULES} & set(KNOWN)


def test_codes_json_when_observed_code_then_marked_with_its_source(capsys):
    rows = {row["code"]: row for row in json.loads(run(capsys, "codes", "--json")[1])}
    assert rows["20044"]["observed"] is True and "ccxt 4.4" in rows["20044"]["source"]
    assert rows["20044"]["message"] == "Amount is not supported for this order type"
    assert rows["20044"]["enforced_by"] == "check"
    assert rows["20022"]["observed"] is False and "source" not in rows["20022"]


def test_explain_when_observed_code_then_source_and_rule_shown(capsys):
    code, out, _ = run(capsys, "explain", "20044")
    assert code == 0
    assert out.startswith("20044  Amount is not supported for this order type")
    assert "Observed, not in the exchange's table. Source: ccxt 4.4" in out
    assert "rule order-amount-sell" in out and "-> rejected 20044" in out
    data = json.loads(run(capsys, "explain", "--json", "20044")[1])
    assert data["observed"] is True and data["source"] == OBSERVED["20044"].source


def test_explain_json_when_rule_code_then_rows_with_where_and_examples(capsys):
    code, out, _ = run(capsys, "explain", "--json", "20029")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"code", "message", "enforced_by", "rules", "reason", "observed"}
    assert (data["code"], data["enforced_by"], data["reason"]) == ("20029", "check", None)
    (row,) = data["rules"]
    assert set(row) == ROW_KEYS
    rule = next(r for r in RULES if r.name == "stop-limit-buy-order")
    assert row["where"] == rule.where and re.fullmatch(r"oxpreflight/rules/orders\.py:\d+",
                                                      row["where"])
    assert Preflight(clock=lambda: NOW).check(row["bad"]).code == "20029"
    assert Preflight(clock=lambda: NOW).check(row["good"]).ok


def test_explain_json_when_server_code_then_reason_and_no_rows(capsys):
    data = json.loads(run(capsys, "explain", "--json", "20032")[1])
    assert data == {"code": "20032", "message": CODES["20032"].message,
                    "enforced_by": "server", "rules": [],
                    "reason": "a timeout inside the exchange", "observed": False}


def test_explain_json_when_code_is_unknown_then_exit_2_with_one_line(capsys):
    code, out, err = run(capsys, "explain", "--json", "99999")
    assert (code, out) == (2, "")
    one_error_line(err)


def test_explain_when_rule_code_then_each_row_says_where_it_is_defined(capsys):
    out = run(capsys, "explain", "20029")[1]
    rule = next(r for r in RULES if r.name == "stop-limit-buy-order")
    assert f"  defined at: {rule.where}\n" in out
    path, line = rule.where.rsplit(":", 1)
    assert 'Rule("20029"' in (ROOT / path).read_text().splitlines()[int(line) - 1]


class FakeStateRule:
    """Stands for a session row (``oxpreflight.rules.STATE_RULES``) with the agreed attributes."""

    code, name, commands = "05001", "login-first", ("placeorder",)
    doc, why, error = "An order command before a successful login.", "docs: login first", ""
    where = "oxpreflight/rules/session.py:12"
    bad = {"sent": ["placeorder"]}
    good = {"sent": ["login", "placeorder"]}


def test_explain_when_session_rows_exist_then_each_is_shown_with_where(capsys, monkeypatch):
    monkeypatch.setattr(docs, "STATE_RULES", (FakeStateRule(),))
    out = run(capsys, "explain", "05001")[1]
    assert "session row login-first\n  defined at: oxpreflight/rules/session.py:12" in out
    data = json.loads(run(capsys, "explain", "--json", "05001")[1])
    assert data["enforced_by"] == "session" and data["reason"] is None
    assert data["rules"] == [{"name": "login-first", "where": "oxpreflight/rules/session.py:12",
                              "doc": FakeStateRule.doc, "why": FakeStateRule.why,
                              "bad": FakeStateRule.bad, "good": FakeStateRule.good}]
    rows = {row["code"]: row for row in json.loads(run(capsys, "codes", "--json")[1])}
    assert rows["05001"]["rules"] == data["rules"]


# -- workers: bounds, failures, interruption -------------------------------------------------------
def our_children(before: set) -> set:
    import multiprocessing

    return set(multiprocessing.active_children()) - before


@pytest.fixture
def no_leftover_workers():
    """Fails a test that leaves a worker process alive (and stops any it left)."""
    import multiprocessing

    before = set(multiprocessing.active_children())
    yield
    left = our_children(before)
    for process in left:
        process.kill()
        process.join()
    assert not left, f"worker processes left behind: {left}"


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "two", "", "65", "100000", str(10 ** 30)])
def test_check_when_workers_value_is_bad_then_one_line_and_exit_2(capsys, value):
    code, out, err = run(capsys, "check", str(FRAMES), "--workers", value)
    assert (code, out) == (2, "")
    assert "--workers" in one_error_line(err)


def test_check_when_workers_at_the_bound_then_accepted(capsys, write, no_leftover_workers):
    path = write(jsonl(LIMIT, NO_PRICE))
    assert run(capsys, "check", path, "--workers", str(cli.check.MAX_WORKERS)) \
        == run(capsys, "check", path)


def fail_in_workers(monkeypatch, action):
    """Make ``check_block`` run ``action`` in worker processes only (forked: they inherit it)."""
    parent, real = os.getpid(), cli.check.check_block

    def check_block(*args, **kwargs):
        if os.getpid() != parent:
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(cli.check, "check_block", check_block)


def boom():
    raise RuntimeError("boom")


@pytest.mark.skipif(sys.platform != "linux", reason="workers inherit the patch by fork")
@pytest.mark.parametrize("action, says", [(boom, "RuntimeError: boom"),
                                          (lambda: os._exit(3), "died")])
def test_check_when_a_worker_fails_then_one_line_exit_2_and_no_worker_left(
        capsys, write, monkeypatch, no_leftover_workers, action, says):
    monkeypatch.setattr(cli.lines, "BLOCK_SIZE", 4096)
    fail_in_workers(monkeypatch, action)
    code, _, err = run(capsys, "check", write(big_capture(2000)), "--workers", "3")
    assert code == 2
    assert says in one_error_line(err)


class InterruptedStream(io.BytesIO):
    """A file whose third read is interrupted, as by Ctrl-C while the workers run."""

    reads = 0

    def read1(self, size=-1):
        self.reads += 1
        if self.reads == 3:
            raise KeyboardInterrupt
        return super().read1(size)


def test_check_when_interrupted_mid_run_then_130_and_no_worker_left(capsys, monkeypatch,
                                                                   no_leftover_workers):
    monkeypatch.setattr(cli.lines, "BLOCK_SIZE", 4096)
    stream = InterruptedStream(big_capture(2000).encode())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
    code, _, err = run(capsys, "check", "-", "--workers", "3")
    assert code == 130 and "interrupted" in err and "Traceback" not in err
    assert stream.reads == 3


@pytest.mark.skipif(sys.platform != "linux", reason="fork context")
def test_check_when_interrupted_while_workers_start_then_started_ones_are_stopped(
        capsys, write, monkeypatch, no_leftover_workers):
    import multiprocessing

    process_class = multiprocessing.get_context("fork").Process
    real_start, started = process_class.start, []

    def start(self):
        if len(started) == 2:
            raise KeyboardInterrupt
        real_start(self)
        started.append(self)

    monkeypatch.setattr(process_class, "start", start)
    code, _, err = run(capsys, "check", write(big_capture(100)), "--workers", "4")
    assert code == 130 and "Traceback" not in err
    assert len(started) == 2 and not any(p.is_alive() for p in started)


def children_of(pid: int) -> list:
    """Pids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_python_m_check_when_ctrl_c_with_workers_then_130_and_every_worker_gone():
    import signal
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "oxpreflight", "check", "-", "--workers",
                             "3"], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write((jsonl(LIMIT) * 50).encode())
        proc.stdin.flush()  # the workers start with the first block; stdin stays open
        workers: list = []
        for _ in range(600):  # until the three workers exist (at most a minute)
            workers = children_of(proc.pid)
            if len(workers) == 3 or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert len(workers) == 3
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert b"interrupted" in err and b"Traceback" not in err
    assert not [pid for pid in workers if running(pid)]


# -- every usage error: one line on stderr, exit 2, no traceback ----------------------------------
BAD_CATALOGUES = {
    "not JSON": "{not json",
    "empty market code": '{"data": [{"marketCode": ""}]}',
    "not a list of markets": "[1, 2]",
    "tick size overflows": '{"data": [{"marketCode": "BTC-USD", "tickSize": "1e999999"}]}',
    "nested too deep": "[" * 100_000 + "]" * 100_000,
    "not UTF-8": b"\xff\xfe{}",
}


@pytest.mark.parametrize("content", list(BAD_CATALOGUES.values()), ids=list(BAD_CATALOGUES))
@pytest.mark.parametrize("command", ["check", "audit"])
def test_cli_when_market_catalogue_is_bad_then_one_line_and_exit_2(capsys, write, command,
                                                                   content):
    markets = write(content, "markets.json")
    code, out, err = run(capsys, command, str(FRAMES), "--markets", markets)
    assert (code, out) == (2, "")
    assert "market catalogue" in one_error_line(err)


@pytest.mark.parametrize("argv, says", [
    (["check"], "FILE"),
    (["check", "x", "--bogus"], "--bogus"),
    (["check", "x", "--now", "soon"], "--now"),
    (["check", "x", "--now", "1717348160"], "looks like seconds"),
    (["check", "x", "--now", "-1"], "--now"),
    (["check", "x", "--now", "1717348160000", "--no-clock"], "not allowed with"),
    (["audit", "x", "--now", "12"], "--now"),
    ([], "a command is required"),
    (["frobnicate"], "invalid choice"),
    (["codes", "--json", "--markdown"], "not allowed with"),
    (["explain"], "CODE"),
    (["explain", "--json", "nope"], "unknown code"),
    (["audit", "does/not/exist.jsonl"], "No such file"),
    (["check", str(ROOT / "examples")], "directory"),
])
def test_cli_when_usage_is_wrong_then_one_line_naming_the_problem(capsys, argv, says):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert says in one_error_line(err)


def test_cli_when_markets_is_a_directory_then_one_line_and_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(FRAMES), "--markets", str(tmp_path))
    assert code == 2
    assert "directory" in one_error_line(err)


def test_python_m_when_bad_catalogue_or_option_then_one_line_no_traceback(tmp_path):
    markets = tmp_path / "markets.json"
    markets.write_text(BAD_CATALOGUES["tick size overflows"])
    for argv in (["check", "examples/frames.jsonl", "--markets", str(markets)],
                 ["check", "examples/frames.jsonl", "--workers", "100000"]):
        done = python_m(*argv)
        assert done.returncode == 2 and done.stdout == ""
        one_error_line(done.stderr)


class OddExamples(FakeStateRule):
    bad = b"\xff\xfe{}"                       # bytes that are not UTF-8
    good = {"price": __import__("decimal").Decimal("1.5"), "text": "\ud800"}


def test_codes_json_when_examples_are_bytes_or_decimal_then_still_json(capsys, monkeypatch):
    monkeypatch.setattr(docs, "STATE_RULES", (OddExamples(),))
    code, out, _ = run(capsys, "codes", "--json")
    row = next(r for r in json.loads(out) if r["code"] == "05001")["rules"][0]
    assert code == 0
    assert (row["bad"], row["good"]) == ("\\xff\\xfe{}", {"price": "1.5", "text": "\ud800"})
    code, out, _ = run(capsys, "explain", "05001")
    assert code == 0 and "\\xff\\xfe{}" in out and "\\ud800" in out


def test_explain_json_when_any_code_then_every_row_points_at_its_definition(capsys):
    rows = [r for row in json.loads(run(capsys, "codes", "--json")[1]) for r in row["rules"]]
    assert rows
    for row in rows:
        path, line = row["where"].rsplit(":", 1)
        lines = (ROOT / path).read_text().splitlines()
        assert path.startswith("oxpreflight/rules/") and 1 <= int(line) <= len(lines), row


def test_codes_json_enforced_by_is_true_a_code_no_row_enforces_is_server(capsys):
    from oxpreflight.rules import STATE_RULES

    rows = {row["code"]: row for row in json.loads(run(capsys, "codes", "--json")[1])}
    assert rows["20026"]["enforced_by"] == "server" and rows["20026"]["rules"] == []
    session = {code for code, row in rows.items() if row["enforced_by"] == "session"}
    assert session == {r.code for r in STATE_RULES} - {r.code for r in RULES}
    assert all(row["rules"] for row in rows.values() if row["enforced_by"] != "server")
