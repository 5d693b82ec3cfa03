"""``markets pull``, ``fetch_markets`` and ``Preflight.from_exchange`` against a local HTTP server
on 127.0.0.1 (never the internet): success, timeout, HTTP error, bad JSON, bad catalogue."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from oxpreflight import Preflight
from oxpreflight.cli import main
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.validators.markets import MarketError
from oxpreflight.validators.pull import DEFAULT_MARKETS_URL, fetch_markets

CATALOGUE = {"success": True, "data": MARKETS}
RELEASE = threading.Event()  # set at teardown: the slow handler stops waiting


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        routes = {
            "/v3/markets": (200, json.dumps(CATALOGUE)),
            "/error": (503, '{"success": false}'),
            "/not-json": (200, "<html>maintenance</html>"),
            "/refused": (200, '{"success": false, "message": "try\\nlater"}'),
            "/bad-catalogue": (200, json.dumps({"data": [dict(MARKETS[0], tickSize="1e999999")]})),
        }
        if self.path == "/slow":
            RELEASE.wait(30)
            status, body = 200, json.dumps(CATALOGUE)
        else:
            status, body = routes.get(self.path, (404, "{}"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    RELEASE.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    RELEASE.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def test_default_url_is_the_exchanges_public_rest_markets():
    assert DEFAULT_MARKETS_URL == "https://api.ox.fun/v3/markets"


def test_fetch_markets_returns_the_parsed_reply(server):
    assert fetch_markets(server + "/v3/markets", timeout=5) == CATALOGUE


def test_from_exchange_is_a_complete_catalogue(server):
    pf = Preflight.from_exchange(url=server + "/v3/markets", timeout=5, clock=lambda: NOW)
    assert set(pf.markets) == {m["marketCode"] for m in MARKETS}
    frame = {"op": "placeorder", "data": order(marketCode="XRP-USD-SWAP-LIN")}
    assert pf.check(frame).code == "20015"  # closed-world, like any catalogue given
    assert pf.check({"op": "placeorder", "data": order(price="80000")}).code == "710003"


@pytest.mark.parametrize("path, words", [
    ("/slow", "no answer within 0.3 s"),
    ("/error", "HTTP 503"),
    ("/missing", "HTTP 404"),
    ("/not-json", "not JSON"),
    ("/refused", "success: false (try later)"),
    ("/bad-catalogue", "tickSize 1E+999999 is out of range"),
])
def test_fetch_failures_are_one_line_market_errors(server, path, words):
    with pytest.raises(MarketError) as err:
        fetch_markets(server + path, timeout=0.3)
    message = str(err.value)
    assert words in message and server + path in message and "\n" not in message
    with pytest.raises(MarketError):
        Preflight.from_exchange(url=server + path, timeout=0.3)


def test_fetch_refused_connection_and_bad_arguments():
    with pytest.raises(MarketError, match="cannot connect"):
        fetch_markets("http://127.0.0.1:9/v3/markets", timeout=2)
    for url, timeout in (("ftp://127.0.0.1/x", 1), ("http://127.0.0.1/x", 0),
                         ("http://127.0.0.1/x", float("nan"))):
        with pytest.raises(MarketError):
            fetch_markets(url, timeout)


def test_cli_pull_writes_a_catalogue_that_check_reads(server, tmp_path, capsys):
    out = tmp_path / "markets.json"
    assert main(["markets", "pull", "--url", server + "/v3/markets", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == CATALOGUE
    assert f"{len(MARKETS)} markets written" in capsys.readouterr().err
    frames = tmp_path / "frames.jsonl"
    frames.write_text(json.dumps({"op": "placeorder", "data": order(price="80000")}) + "\n")
    assert main(["check", str(frames), "--markets", str(out), "--now", str(NOW)]) == 1
    assert "710003" in capsys.readouterr().out


def test_cli_pull_to_stdout(server, capsys):
    assert main(["markets", "pull", "--url", server + "/v3/markets"]) == 0
    assert json.loads(capsys.readouterr().out) == CATALOGUE


@pytest.mark.parametrize("path", ["/slow", "/error", "/not-json", "/bad-catalogue"])
def test_cli_pull_failure_is_one_line_exit_2_and_leaves_the_file(server, tmp_path, capsys, path):
    out = tmp_path / "markets.json"
    out.write_text("previous catalogue")
    code = main(["markets", "pull", "--url", server + path, "-o", str(out), "--timeout", "0.3"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("oxpreflight: error: GET ")
    assert out.read_text() == "previous catalogue"
    assert [p.name for p in tmp_path.iterdir()] == ["markets.json"]  # no temporary left


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "inf"])
def test_cli_pull_bad_timeout_exits_2(timeout, capsys):
    assert main(["markets", "pull", "--timeout", timeout]) == 2
