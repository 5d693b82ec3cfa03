"""``markets pull --timeout`` bounds the whole pull: a server on 127.0.0.1 that drips one byte
at a time (well inside every socket timeout) in the status line, the headers or the body is
cut off at the deadline instead of being read to its end."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from oxpreflight.cli import main
from oxpreflight.rules.examples import MARKETS
from oxpreflight.validators.markets import MarketError
from oxpreflight.validators.pull import fetch_markets

BODY = json.dumps({"success": True, "data": MARKETS}).encode()
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(BODY)
DRIP_BYTES = 400      # bounded: 400 bytes at one per 50 ms is 20 s, 40 times the 0.5 s timeout
DRIP_EVERY = 0.05


class Drip:
    """Serves one request: ``at_once`` bytes at once, then the rest one byte per 50 ms (at
    most ``DRIP_BYTES`` of them). ``complete`` tells whether the client read it all, ``sent``
    how many bytes were dripped before it hung up."""

    def __init__(self, at_once: bytes, dripped: bytes, scheme: str = "http") -> None:
        self.at_once, self.dripped = at_once, dripped[:DRIP_BYTES]
        self.scheme = scheme
        self.complete = False
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "%s://127.0.0.1:%d/v3/markets" % (scheme, self.listener.getsockname()[1])
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.listener.settimeout(30)
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        with client:
            try:
                client.settimeout(30)
                request = b""
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    if request and self.scheme == "https":
                        break  # a TLS client hello: answered by the drip
                    chunk = client.recv(4096)
                    if not chunk:
                        return
                    request += chunk
                client.sendall(self.at_once)
                for i in range(len(self.dripped)):
                    time.sleep(DRIP_EVERY)
                    client.sendall(self.dripped[i:i + 1])
                    self.sent += 1
                self.complete = True
            except OSError:  # the client hung up: the drip was cut
                return

    def finish(self) -> None:
        self.thread.join(60)
        self.listener.close()


RESPONSE = HEAD + b"X-Pad: " + b"a" * 300 + b"\r\n\r\n" + BODY
CASES = {
    "status line": (b"", RESPONSE),
    "headers": (HEAD, b"X-Pad: " + b"a" * 1000 + b"\r\n\r\n" + BODY),
    "body": (HEAD + b"\r\n", BODY),
}


@pytest.mark.parametrize("at_once, dripped", list(CASES.values()), ids=list(CASES))
def test_fetch_markets_when_the_server_drips_then_cut_at_the_deadline(at_once, dripped):
    server = Drip(at_once, dripped)
    try:
        with pytest.raises(MarketError, match=r"no answer within 0\.5 s"):
            fetch_markets(server.url, timeout=0.5)
    finally:
        server.finish()
    assert server.sent < DRIP_BYTES // 2  # cut off near 0.5 s, not read for 20 s


def test_cli_pull_when_the_server_drips_then_one_line_exit_2_by_the_deadline(capsys, tmp_path):
    server = Drip(b"", RESPONSE)
    target = tmp_path / "markets.json"
    try:
        code = main(["markets", "pull", "--url", server.url, "--timeout", "0.5",
                     "-o", str(target)])
    finally:
        server.finish()
    err = capsys.readouterr().err
    assert code == 2 and not target.exists() and server.sent < DRIP_BYTES // 2
    assert err.count("\n") == 1 and "no answer within 0.5 s" in err


def test_fetch_markets_when_a_slow_server_finishes_in_time_then_the_catalogue():
    server = Drip(RESPONSE[:-20], RESPONSE[-20:])  # the last 20 bytes take ~1 s
    try:
        assert fetch_markets(server.url, timeout=30)["data"] == MARKETS
    finally:
        server.finish()
    assert server.complete


def test_fetch_markets_when_a_tls_handshake_drips_then_cut_at_the_deadline():
    record = b"\x16\x03\x03\x40\x00" + b"\x00" * DRIP_BYTES  # a 16 KiB handshake record
    server = Drip(b"", record, scheme="https")
    try:
        with pytest.raises(MarketError, match=r"no answer within 0\.5 s"):
            fetch_markets(server.url, timeout=0.5)
    finally:
        server.finish()
    assert server.sent < DRIP_BYTES // 2


def test_fetch_markets_over_tls_with_the_deadline_watch_still_verifies_and_reads(
        tmp_path, monkeypatch):
    import http.server
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                   capture_output=True, timeout=60)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = "https://127.0.0.1:%d/v3/markets" % server.server_address[1]
    try:
        with pytest.raises(MarketError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_markets(url, timeout=10)  # not trusted yet: still verified
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        assert fetch_markets(url, timeout=10)["data"] == MARKETS
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
