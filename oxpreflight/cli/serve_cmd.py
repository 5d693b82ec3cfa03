"""``oxpreflight serve``: run the exchange double (:class:`oxpreflight.testing.Exchange`) until
Ctrl-C or SIGTERM (exit 0). The first line of stdout is ``listening on ws://HOST:PORT/v2/websocket``;
then one line per reply to a command (``--quiet``: none)."""
from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any

from .options import EXIT_OK, UsageError, integer, one_line


def _port(text: str) -> int:
    value = integer(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (0 to 65535): {text!r}")
    return value


def describe(number: int, reply: Any) -> str:
    """One log line for a reply: connection, event, tag, and the outcome (never the data)."""
    if not isinstance(reply, dict):
        return f"#{number} {reply}"
    event = str(reply.get("event", "-"))[:40]
    tag = reply.get("tag")
    head = f"#{number} {event}" + (f" tag {str(tag)[:40]}" if tag is not None else "")
    if "code" in reply:
        return f"{head}: {reply['code']} {reply.get('message', '')}"
    data = reply.get("data")
    order = data.get("orderId") if isinstance(data, dict) else None
    channel = reply.get("channel")
    return head + ": ok" + (f" orderId {order}" if order else "") + (
        f" {channel}" if channel else "")


async def _serve(args: argparse.Namespace, exchange: Any) -> None:
    out = sys.stdout
    async with exchange as ex:
        out.write(f"listening on {ex.url}\n")
        out.flush()
        if not args.quiet:
            def log(number: int, reply: Any) -> None:
                out.write(describe(number, reply) + "\n")
                out.flush()

            ex.on_reply(log)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: Ctrl-C raises instead
                pass
        await stop.wait()


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; exit 0."""
    try:
        from ..testing.exchange import Exchange
    except ImportError:
        raise UsageError("serve needs websockets: pip install 'oxpreflight[websocket]'") from None
    try:
        exchange = Exchange(args.markets, api_key=args.api_key, api_secret=args.api_secret,
                            host=args.host, port=args.port)
    except (ValueError, TypeError, OSError) as exc:
        raise UsageError(f"cannot start: {one_line(exc)}") from None
    try:
        asyncio.run(_serve(args, exchange))
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, the host is not this machine's
        raise UsageError(f"cannot listen on {args.host}:{args.port}: "
                         f"{exc.strerror or one_line(exc)}") from None
    return EXIT_OK


def add_parser(commands: Any) -> None:
    """Register ``serve`` on the ``oxpreflight`` sub-command parsers."""
    serve = commands.add_parser(
        "serve", help="run a local exchange double on ws://HOST:PORT/v2/websocket",
        description="Run a loopback OX.FUN websocket exchange that answers as oxpreflight "
                    "does (login, orders, the order channel). Ctrl-C or SIGTERM stops it "
                    "(exit 0).")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                       "(default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=0,
                       help="port to listen on (default 0: any free port, printed)")
    serve.add_argument("--markets", metavar="FILE",
                       help="market catalogue (a GET /v3/markets reply; default: embedded)")
    serve.add_argument("--api-key", metavar="K", help="the apiKey a login must carry")
    serve.add_argument("--api-secret", metavar="S",
                       help="the secret a login's signature must be made with")
    serve.add_argument("--quiet", action="store_true", help="do not log each reply")
    serve.set_defaults(run=run)
