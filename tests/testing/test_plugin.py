"""The pytest plugin, tested through pytest's own ``pytester``."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

CUSTOM = {"data": [{
    "marketCode": "ZZZ-USD-SWAP-LIN", "type": "FUTURE", "base": "ZZZ", "counter": "USD",
    "tickSize": "1", "minSize": "1", "listedAt": "1593345600000",
    "upperPriceBound": "200", "lowerPriceBound": "100", "markPrice": "150"}]}

#: Frames the generated test files use, defined once for all of them.
FRAMES = '''
GOOD = {"op": "placeorder", "tag": 1, "data": {"marketCode": "BTC-USD-SWAP-LIN",
        "side": "BUY", "orderType": "MARKET", "quantity": 0.001}}
BAD_MARKET = {"op": "placeorder", "tag": 2, "data": dict(GOOD["data"], marketCode="NOPE")}
BAD_SIDE = {"op": "placeorder", "tag": 3, "data": dict(GOOD["data"], side="BOO")}
ZZZ = {"op": "placeorder", "tag": 4, "data": {"marketCode": "ZZZ-USD-SWAP-LIN",
       "side": "SELL", "orderType": "MARKET", "quantity": 3}}
'''


def write_tests(pytester: pytest.Pytester, body: str) -> None:
    pytester.makepyfile(test_user=FRAMES + body)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # the plugin comes from its pytest11 entry point, as in a user's project (no -p, no conftest);
    # hypothesis' plugin is left out: re-imported by every in-process run, it costs ~1 s each
    return pytester.runpytest_inprocess("-p", "no:hypothesispytest", *args)


def test_plugin_loads_from_entry_point_in_a_fresh_process(pytester):
    write_tests(pytester, '''
import json
from oxpreflight import Preflight

def test_fixture(preflight):
    assert isinstance(preflight, Preflight)
    assert preflight.assert_accepted(GOOD).ok
    assert preflight.assert_accepted(json.dumps(GOOD)).ok
    assert preflight.assert_rejected(BAD_MARKET, "20015").code == "20015"
    assert preflight.assert_rejected(json.dumps(BAD_SIDE).encode(), 20016).field == "side"
    # well formed but not in the embedded catalogue: its market rules are skipped, and said so
    assert "W007" in {w.code for w in preflight.assert_accepted(ZZZ).warnings}
''')
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_preflight_markets_option_then_catalogue_from_that_file(pytester):
    pytester.makefile(".json", markets=json.dumps(CUSTOM))
    write_tests(pytester, '''
def test_custom(preflight):
    preflight.assert_accepted(ZZZ)
    preflight.assert_rejected(GOOD, "20015")  # only ZZZ is listed
''')
    run(pytester, "--preflight-markets", "markets.json").assert_outcomes(passed=1)
    run(pytester).assert_outcomes(failed=1)  # without the option: the embedded catalogue


def test_preflight_markets_ini_option_then_path_relative_to_ini_file(pytester):
    pytester.mkdir("data").joinpath("markets.json").write_text(json.dumps(CUSTOM))
    pytester.makeini("[pytest]\npreflight_markets = data/markets.json\n")
    write_tests(pytester, '''
def test_custom(preflight):
    preflight.assert_accepted(ZZZ)
''')
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["oxpreflight: markets from *markets.json"])


def test_preflight_markets_option_when_file_bad_then_usage_error(pytester):
    pytester.makefile(".json", broken="{not json")
    write_tests(pytester, "def test_never(preflight):\n    pass\n")
    result = run(pytester, "--preflight-markets", "broken.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*preflight markets: *broken.json*"])
    result = run(pytester, "--preflight-markets", "missing.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cannot read *missing.json*"])


def test_preflight_markets_marker_then_catalogue_for_that_test_only(pytester):
    pytester.makefile(".json", markets=json.dumps(CUSTOM))
    write_tests(pytester, '''
import pytest

@pytest.mark.preflight_markets("markets.json")
def test_marked(preflight):
    preflight.assert_accepted(ZZZ)

def test_unmarked(preflight):
    assert "W007" in {w.code for w in preflight.check(ZZZ).warnings}  # embedded: not listed
''')
    run(pytester, "--strict-markers").assert_outcomes(passed=2)


def test_assert_rejected_when_other_code_then_message_shows_code_message_field_value(pytester):
    write_tests(pytester, '''
def test_wrong_code(preflight):
    preflight.assert_rejected(BAD_SIDE, "20015")
''')
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "E*AssertionError: expected rejection 20015 'marketCode is invalid', got:",
        "E*20016 order-side-enum: side is invalid",
        "E*field: side = 'BOO'",
        "E*frame: {'op': 'placeorder', 'tag': 3, *'side': 'BOO'*",
    ])
    result.stdout.fnmatch_lines([">*preflight.assert_rejected(BAD_SIDE, \"20015\")"])
    assert "pytest_plugin.py" not in result.stdout.str()  # the user's line, not ours


def test_assert_rejected_when_accepted_then_message_says_so(pytester):
    write_tests(pytester, '''
def test_accepted(preflight):
    preflight.assert_rejected(GOOD, "20016")
''')
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["E*expected rejection 20016 'side is invalid', but the frame would be accepted"])


def test_assert_accepted_when_batch_item_rejected_then_item_index_code_and_field(pytester):
    write_tests(pytester, '''
def test_batch(preflight):
    preflight.assert_accepted({"op": "placeorders", "tag": 5,
                               "dataArray": [GOOD["data"], BAD_MARKET["data"]]})
''')
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "E*frame would be rejected:",
        "E*item 1: 20015 order-market-unknown: marketCode is invalid",
        "E*field: marketCode = 'NOPE'",
    ])


def test_assert_rejected_when_code_unknown_then_clear_error(pytester):
    write_tests(pytester, '''
import pytest

def test_typo(preflight):
    with pytest.raises(ValueError, match="not a code in the exchange's error table"):
        preflight.assert_rejected(BAD_SIDE, "2O016")
    preflight.assert_rejected(BAD_SIDE, 20016)  # an int is fine

def test_int_codes_keep_their_leading_zero():
    from oxpreflight.testing.pytest_plugin import _code
    assert _code(5001) == "05001" and _code("20016") == "20016"
''')
    run(pytester).assert_outcomes(passed=2)


def test_assertion_message_never_shows_login_signature(pytester):
    write_tests(pytester, '''
def test_login(preflight):
    preflight.assert_rejected({"op": "login", "tag": 1, "data": {"apiKey": "KEY-SHOWN-NOWHERE",
        "timestamp": 1717348160000, "signature": "SIG-SHOWN-NOWHERE"}}, "20023")
''')
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E*but the frame would be accepted", "E*'signature': '***'*"])
    shown = "\n".join(line for line in result.outlines if line.startswith("E "))
    assert "SIG-SHOWN-NOWHERE" not in shown and "KEY-SHOWN-NOWHERE" not in shown


def test_preflight_session_fixture_is_the_preflights_session(pytester):
    pytest.importorskip("oxpreflight.session")
    pytester.makefile(".json", markets=json.dumps(CUSTOM))
    write_tests(pytester, '''
def test_session(preflight, preflight_session):
    assert hasattr(preflight_session, "submit") and hasattr(preflight_session, "observe")
    assert preflight_session.submit(ZZZ).code != "20015"  # the option's catalogue
''')
    run(pytester, "--preflight-markets", "markets.json").assert_outcomes(passed=1)


def test_preflight_send_when_a_frame_would_be_rejected_then_test_fails_after_body(pytester):
    write_tests(pytester, '''
def test_client(preflight_send):
    wire = []
    send = preflight_send(wire.append)
    send(GOOD)
    try:  # a client that swallows errors: the plugin still fails the test
        send(BAD_SIDE)
    except Exception:
        pass
    send(GOOD)
    assert wire == [GOOD, GOOD] and wire[0] is GOOD
    assert [v.code for _, v in send.rejected] == ["20016"]

def test_clean_client(preflight_send):
    send = preflight_send()
    send(GOOD)
    assert send.accepted == [GOOD] and send.rejected == []
''')
    result = run(pytester)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([
        "*1 frame(s) sent through preflight_send would be rejected:",
        "- {'op': 'placeorder', 'tag': 3, *",
        "    20016 order-side-enum: side is invalid",
        "      field: side = 'BOO'",
    ])
    assert "pytest_plugin.py" not in result.stdout.str()


def test_preflight_send_with_async_send_then_rejections_recorded(pytester):
    write_tests(pytester, '''
import asyncio

def test_async_client(preflight_send):
    wire = []

    async def ws_send(frame):
        wire.append(frame)

    send = preflight_send(ws_send)

    async def client():
        await send(GOOD)
        await send(BAD_MARKET)

    asyncio.run(client())
    assert wire == [GOOD]
''')
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*20015 order-market-unknown: marketCode is invalid"])


def test_preflight_send_when_rejected_at_teardown_then_error(pytester):
    write_tests(pytester, '''
import pytest

@pytest.fixture
def client(preflight_send):
    send = preflight_send()
    yield send
    send(BAD_MARKET)  # e.g. a cancel-all sent while the client shuts down

def test_body_is_fine(client):
    client(GOOD)
''')
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*20015 order-market-unknown: marketCode is invalid"])


def test_preflight_send_when_test_fails_itself_then_its_failure_kept_and_frames_listed(pytester):
    write_tests(pytester, '''
def test_fails_itself(preflight_send):
    preflight_send()(BAD_MARKET)
    assert 1 == 2
''')
    result = run(pytester)
    result.assert_outcomes(failed=1)  # one failure, no extra teardown error
    result.stdout.fnmatch_lines([
        "*assert 1 == 2",
        "*Captured preflight call*",
        "1 frame(s) sent through preflight_send would be rejected:",
        "*20015 order-market-unknown: marketCode is invalid",
    ])


def test_core_package_does_not_import_pytest():
    code = ("import sys, oxpreflight, oxpreflight.guard, oxpreflight.websocket; "
            "oxpreflight.Preflight().guard(print); "
            "assert 'pytest' not in sys.modules and '_pytest' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_preflight_fixture_under_given_then_no_health_check_and_markers_still_apply(pytester):
    # hypothesis' own pytest plugin is loaded here: it is what runs the fixture health check
    pytester.makefile(".json", markets=json.dumps(CUSTOM))
    write_tests(pytester, '''
import pytest
from hypothesis import given, settings, strategies as st
from oxpreflight.strategies import frames

@settings(max_examples=5, database=None)
@given(frame=frames("placeorder"))
def test_given_default(preflight, frame):
    preflight.assert_accepted(frame)
    # the embedded catalogue is open-world: an unlisted, well-formed market draws W007
    assert [w.code for w in preflight.check(ZZZ).warnings] == ["W007"]

@pytest.mark.preflight_markets("markets.json")
@settings(max_examples=5, database=None)
@given(quantity=st.integers(1, 100))
def test_given_marked(preflight, quantity):
    preflight.assert_accepted(dict(ZZZ, data=dict(ZZZ["data"], quantity=quantity)))
    preflight.assert_rejected(GOOD, "20015")

@settings(max_examples=5, database=None)
@given(quantity=st.integers(1, 100))
def test_given_after_marked_test_gets_the_default_catalogue_back(preflight, quantity):
    verdict = preflight.check(dict(ZZZ, data=dict(ZZZ["data"], quantity=quantity)))
    assert [w.code for w in verdict.warnings] == ["W007"]

@pytest.mark.preflight_markets("markets.json")
def test_marked_session(preflight_session):
    assert preflight_session.submit(ZZZ).code != "20015"  # the marked catalogue
''')
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=4)
    assert "HealthCheck" not in result.stdout.str()


def test_preflight_fixture_under_given_with_option_catalogue(pytester):
    pytester.makefile(".json", markets=json.dumps(CUSTOM))
    write_tests(pytester, '''
from hypothesis import given, settings, strategies as st

@settings(max_examples=5, database=None)
@given(quantity=st.integers(1, 100))
def test_given_option(preflight, quantity):
    preflight.assert_accepted(dict(ZZZ, data=dict(ZZZ["data"], quantity=quantity)))
''')
    pytester.runpytest_subprocess("--preflight-markets", "markets.json").assert_outcomes(
        passed=1)


def test_preflight_fixture_attributes_set_by_a_test_do_not_leak_into_the_next(pytester):
    write_tests(pytester, '''
def test_a_sets(preflight):
    preflight.max_message_length = 10
    preflight.assert_rejected(GOOD, "20027")

def test_b_sees_the_default(preflight):
    assert preflight.max_message_length == 4000
    preflight.assert_accepted(GOOD)
''')
    run(pytester, "-p", "no:randomly").assert_outcomes(passed=2)
