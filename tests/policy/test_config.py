"""Configuration: ``[tool.oxpreflight]`` for ``Preflight.from_config``, the command line and the
pytest plugin."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from oxpreflight import Limits, Preflight, cli
from oxpreflight.config import ConfigError, find_config, load_config
from oxpreflight.rules.examples import MARKETS, NOW, order

pytest_plugins = ["pytester"]

DESK = '''
from oxpreflight.rules import Absent, Rule
from oxpreflight.rules.examples import order

RULES = (
    Rule("D300", ("placeorder", "placeorders"), Absent("clientOrderId"),
         "Desk: a clientOrderId on every order.", bad=order(), good=order(clientOrderId=1),
         field="clientOrderId", name="cfg-client-order-id",
         message="clientOrderId is required here"),
)
'''

CONFIG = '''
[project]
name = "desk"

[tool.oxpreflight]
markets = "data/markets.json"
rules = ["cfgdesk"]
policy = { "W002" = "error", "cfg-client-order-id" = "warn" }

[tool.oxpreflight.limits]
max_quantity = "5"

[tool.oxpreflight.limits.markets."BTC-USD-SWAP-LIN"]
max_quantity = "2"
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A desk's project: pyproject.toml, its catalogue and its rule module (not on sys.path)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "markets.json").write_text(json.dumps(MARKETS))
    (tmp_path / "cfgdesk.py").write_text(DESK)
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.delitem(__import__("sys").modules, "cfgdesk", raising=False)
    return tmp_path


def frame(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def check_from(pf):
    return [pf.check(f).code for f in (frame(quantity="3"), frame(price="68000.5"),
                                       frame(marketCode="ETH-USD-SWAP-LIN", price="3800",
                                             quantity="3"))]


def test_from_config_reads_the_nearest_pyproject_upward(project, monkeypatch):
    monkeypatch.chdir(project / "deep" / "er")
    pf = Preflight.from_config(clock=lambda: NOW)
    assert dict(pf.policy) == {"W002": "error", "cfg-client-order-id": "warn"}
    assert pf.limits == Limits(max_quantity="5", markets={"BTC-USD-SWAP-LIN": {"max_quantity": 2}})
    assert pf.rule_modules == ("cfgdesk",)
    assert "ETH-USD-SWAP-LIN-NEW" in pf.markets  # the example catalogue: markets read from it
    assert check_from(pf) == ["R001", "W002", None]
    assert "D300" in {w.code for w in pf.check(frame()).warnings}


def test_from_config_of_a_file_or_folder_and_keywords_override(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for where in (project / "pyproject.toml", project / "deep"):
        pf = Preflight.from_config(where, clock=lambda: NOW)
        assert pf.limits.max_quantity == 5
    pf = Preflight.from_config(project, clock=lambda: NOW, policy={"W002": "warn"},
                               limits=Limits(max_quantity="10"))
    assert dict(pf.policy) == {"W002": "warn", "cfg-client-order-id": "warn"}
    assert check_from(pf) == [None, None, None]
    plain = Preflight.from_config(elsewhere, clock=lambda: NOW)  # none found: the defaults
    assert dict(plain.policy) == {} and plain.limits is None and plain.rule_modules == ()
    assert find_config(elsewhere) is None and find_config(project / "deep") == \
        project / "pyproject.toml"


def test_a_pyproject_without_the_table_is_passed_over(project):
    inner = project / "deep"
    (inner / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    assert find_config(inner / "er") == project / "pyproject.toml"
    with pytest.raises(ConfigError, match="no \\[tool.oxpreflight\\] table"):
        load_config(inner / "pyproject.toml")


@pytest.mark.parametrize("body, says", [
    ("[tool.oxpreflight]\nmarket = 'x.json'\n", "unknown key 'market'"),
    ("[tool.oxpreflight]\nrules = 'nosuchmodule'\n", "cannot import nosuchmodule"),
    ("[tool.oxpreflight]\nrules = [1]\n", "list of dotted module paths"),
    ("[tool.oxpreflight]\npolicy = ['W002']\n", "policy must be a table"),
    ("[tool.oxpreflight.limits]\nmax_quantity = 'lots'\n", "max_quantity"),
    ("[tool.oxpreflight.limits]\nmax_qty = 1\n", "max_qty"),
    ("[tool.oxpreflight\n", "not valid TOML"),
])
def test_a_bad_table_is_a_config_error_naming_the_file(tmp_path, body, says):
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert says in str(caught.value) and str(path) in str(caught.value)


def test_a_bad_policy_in_the_file_fails_at_construction(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.oxpreflight]\npolicy = {W999 = 'error'}\n")
    with pytest.raises(ValueError, match="W999"):
        Preflight.from_config(tmp_path)


# -- the command line -----------------------------------------------------------------------------
def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def frames(project):
    path = project / "frames.jsonl"
    path.write_text("\n".join(json.dumps(f) for f in (
        frame(quantity="3", clientOrderId=1), frame(price="68000.5", clientOrderId=2))) + "\n")
    return str(path)


def test_cli_reads_the_configuration_upward_and_no_config_turns_it_off(project, frames,
                                                                       capsys, monkeypatch):
    monkeypatch.chdir(project / "deep")
    code, out, _ = run(capsys, "check", frames, "--now", str(NOW))
    assert code == 1 and "line 1: R001" in out and "line 2: W002" in out
    code, out, _ = run(capsys, "check", frames, "--now", str(NOW), "--no-config")
    assert code == 0, out


def test_cli_config_file_and_policy_and_rules_override(project, frames, capsys, tmp_path_factory,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("away"))
    config = str(project / "pyproject.toml")
    code, out, _ = run(capsys, "check", frames, "--now", str(NOW), "--config", config,
                       "--policy", "R001=ignore", "--policy", "W002=warn")
    assert code == 0, out
    monkeypatch.syspath_prepend(str(project))
    code, out, _ = run(capsys, "check", frames, "--now", str(NOW), "--no-config",
                       "--rules", "cfgdesk", "--policy", "D300=error")
    assert code == 0, out  # both frames carry a clientOrderId
    code, out, _ = run(capsys, "check", frames, "--now", str(NOW), "--config", config,
                       "--workers", "2")
    assert code == 1 and "line 1: R001" in out and "line 2: W002" in out


def test_cli_explain_and_codes_json_include_the_configurations_rows(project, capsys,
                                                                    monkeypatch):
    monkeypatch.chdir(project)
    code, out, _ = run(capsys, "explain", "D300", "--json")
    data = json.loads(out)
    assert code == 0 and data["rules"][0]["where"].endswith("cfgdesk.py:6")
    assert data["rules"][0]["policy"] == "warn"
    code, out, _ = run(capsys, "codes", "--json")
    assert {"R001", "D300"} <= {c["code"] for c in json.loads(out)}
    code, out, _ = run(capsys, "codes")
    assert code == 0 and "D300    clientOrderId is required here" in out
    assert "enforced by max-quantity-btc-usd-swap-lin, max-quantity" in out
    code, out, _ = run(capsys, "explain", "R001")
    assert code == 0 and "rule max-quantity-btc-usd-swap-lin" in out
    assert "-> rejected R001 quantity 4 is above max_quantity 2 on BTC-USD-SWAP-LIN" in out
    code, out, _ = run(capsys, "explain", "D300", "--no-config")
    assert code == 2


@pytest.mark.parametrize("argv, says", [
    (["--config", "missing.toml"], "cannot read missing.toml"),
    (["--policy", "W002"], "SELECTOR=ACTION"),
    (["--policy", "W002=fatal"], "unknown action 'fatal'"),
    (["--policy", "W999=error"], "'W999'"),
    (["--rules", "no_such_desk_module"], "cannot import no_such_desk_module"),
    (["--config", "pyproject.toml", "--no-config"], "not allowed with"),
])
def test_cli_bad_configuration_or_value_is_one_line_and_exit_2(project, frames, capsys,
                                                               monkeypatch, argv, says):
    monkeypatch.chdir(project)
    code, out, err = run(capsys, "check", frames, *argv)
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and len(lines) == 1 and "Traceback" not in err
    assert says in lines[0], lines[0]


def test_cli_a_bad_file_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.oxpreflight]\nlimits = {max_quantity = 0}\n")
    (tmp_path / "f.jsonl").write_text(json.dumps(frame()) + "\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", "f.jsonl")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "max_quantity" in err


# -- the pytest plugin ----------------------------------------------------------------------------
PLUGIN_TESTS = '''
import pytest
from oxpreflight.rules.examples import order

def frame(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}

def test_fixture_is_built_from_the_configuration(preflight):
    assert preflight.limits.max_quantity == 5
    preflight.assert_rejected(frame(quantity="3", clientOrderId=1), "R001")
    preflight.assert_rejected(frame(price="68000.5", clientOrderId=1), "W002")
    assert "D300" in {w.code for w in preflight.assert_accepted(frame()).warnings}

def test_assertions_take_a_policy(preflight):
    preflight.assert_accepted(frame(quantity="3", clientOrderId=1), policy={"R001": "warn"})
    preflight.assert_rejected(frame(), "D300", policy={"cfg-client-order-id": "error"})
    preflight.assert_rejected(frame(quantity="3", clientOrderId=1), "R001")

@pytest.mark.preflight_policy({"W002": "ignore", "R001": "ignore"})
def test_marker_overrides_for_one_test(preflight):
    assert not preflight.assert_accepted(frame(price="68000.5", quantity="3",
                                               clientOrderId=1)).warnings

def test_marker_is_undone_after_its_test(preflight):
    preflight.assert_rejected(frame(price="68000.5", clientOrderId=1), "W002")

@pytest.mark.preflight_policy({"W002": "ignore"})
@pytest.mark.preflight_markets("data/markets.json")
def test_marker_with_a_markets_marker(preflight):
    preflight.assert_accepted(frame(price="68000.5", clientOrderId=1))
    preflight.assert_rejected(frame(quantity="3", clientOrderId=1), "R001")

def test_a_failing_assertion_names_the_desk_code(preflight):
    with pytest.raises(AssertionError, match="D300"):
        preflight.assert_accepted(frame(), policy={"cfg-client-order-id": "error"})
'''


def test_pytest_plugin_fixture_from_root_configuration_and_marker(pytester):
    pytester.makefile(".toml", pyproject=CONFIG)
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "markets.json").write_text(json.dumps(MARKETS))
    (pytester.path / "cfgdesk.py").write_text(DESK)
    pytester.makepyfile(test_desk=PLUGIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_pytest_plugin_bad_configuration_is_a_usage_error(pytester):
    pytester.makefile(".toml", pyproject="[tool.oxpreflight]\npolicy = {W999 = 'error'}\n")
    pytester.makepyfile(test_x="def test_x(preflight):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "W999" in result.stderr.str()


def test_pytest_plugin_without_configuration_is_unchanged(pytester):
    pytester.makepyfile(test_x=textwrap.dedent('''
        def test_x(preflight):
            assert dict(preflight.policy) == {} and preflight.limits is None
    '''))
    result = pytester.runpytest_inprocess("-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)


def test_marker_is_registered(pytester):
    result = pytester.runpytest_inprocess("--markers")
    assert "preflight_policy(policy)" in result.stdout.str()


def test_project_marker_path_exists():
    assert Path(__file__).parent.joinpath("desk_rules.py").exists()
