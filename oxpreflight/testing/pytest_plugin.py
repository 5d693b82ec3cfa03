"""pytest plugin (entry point ``pytest11``, no conftest needed).

Fixtures: ``preflight`` (a Preflight with ``assert_accepted`` / ``assert_rejected``; one per
session, safe in ``@given`` tests), ``preflight_session`` (its session, fresh per test) and
``preflight_send`` (guarded sends that fail the test when a frame the exchange would reject
was attempted). Markets: the embedded catalogue, or ``--preflight-markets PATH`` / the ini
option ``preflight_markets``, or per test the ``preflight_markets`` marker. Rule modules, policy
and limits: the ``[tool.oxpreflight]`` of the run's root ``pyproject.toml``; per test the
``preflight_policy`` marker merges its policy over it; the assertions take ``policy=`` too.
"""
from __future__ import annotations

import json
from os import PathLike
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Optional, Protocol

import pytest

from .. import Preflight, Session, Verdict
from ..config import ConfigError, load_config
from ..guard import guard
from ..rules.catalogue import KNOWN
from ..rules.local import entry

_MARKETS = pytest.StashKey[Any]()
_SENDS = pytest.StashKey[list]()
_SOURCE = pytest.StashKey[str]()
_OPTIONS = pytest.StashKey[dict]()
#: Fields whose values never appear in an assertion message.
_HIDDEN = frozenset({"signature", "apiKey", "api_secret", "apiSecret", "secret"})
_FRAME_CHARS = 400


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oxpreflight", "oxpreflight order-frame checks")
    group.addoption("--preflight-markets", metavar="PATH", default=None,
                    help="market catalogue (a /v3/markets JSON file) for the preflight fixtures")
    parser.addini("preflight_markets", default="",
                  help="market catalogue for the preflight fixtures (relative to the ini file)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "preflight_markets(markets): market catalogue (a path relative to the test "
        "file, or parsed /v3/markets data) for this test's preflight fixtures")
    config.addinivalue_line(
        "markers", "preflight_policy(policy): {selector: 'error' | 'warn' | 'ignore'} over the "
        "[tool.oxpreflight] policy, for this test's preflight fixtures")
    config.addinivalue_line(
        "markers", "ox_exchange(markets=None, api_key=None, api_secret=None, prices=None, ...): "
        "configure this test's ox_exchange fixture (keywords of oxpreflight.testing.Exchange)")
    config.stash[_OPTIONS] = _configured(config)
    path = _markets_path(config)
    if path is None:
        config.stash[_MARKETS] = None
        return
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        Preflight(markets=data, clock=None)  # a bad catalogue is a usage error, said once
    except OSError as exc:
        raise pytest.UsageError(f"preflight markets: cannot read {path}: {exc.strerror}")
    except ValueError as exc:  # JSONDecodeError, MarketError
        raise pytest.UsageError(f"preflight markets: {path}: {exc}")
    config.stash[_MARKETS] = data
    config.stash[_SOURCE] = str(path)


def _configured(config: pytest.Config) -> dict:
    """The Preflight keywords of ``[tool.oxpreflight]`` in the root directory's pyproject.toml
    (a bad table is a usage error, said once)."""
    path = Path(config.rootpath, "pyproject.toml")
    try:
        found = load_config(path) if path.is_file() and _has_table(path) else None
        options = dict(found.options) if found is not None else {}
        if options:
            Preflight(clock=None, **options)  # a bad module or policy: said here, once
    except (ConfigError, ValueError) as exc:
        raise pytest.UsageError(f"preflight: {exc}")
    return options


def _has_table(path: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True  # load_config names what is wrong
    return isinstance(data.get("tool"), dict) and "oxpreflight" in data["tool"]


def pytest_report_header(config: pytest.Config) -> Optional[str]:
    source = config.stash.get(_SOURCE, None)
    return f"oxpreflight: markets from {source}" if source else None


def _markets_path(config: pytest.Config) -> Optional[Path]:
    option = config.getoption("preflight_markets")
    if option:
        return Path(config.invocation_params.dir, option)
    value = config.getini("preflight_markets")
    if value:
        base = config.inipath.parent if config.inipath else config.rootpath
        return Path(base, value)
    return None


# -- assertion messages -------------------------------------------------------------------------
def _shown(field: Optional[str], value: Any) -> str:
    return "'***'" if field in _HIDDEN else repr(value)


def _frame_text(frame: Any) -> str:
    if isinstance(frame, (bytes, bytearray, memoryview)):
        frame = bytes(frame).decode("utf-8", "replace")
    if isinstance(frame, str):
        try:
            frame = json.loads(frame)
        except ValueError:
            return _cut(repr(frame))
    return _cut(repr(_masked(frame)))


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "***" if k in _HIDDEN else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _cut(text: str) -> str:
    return text if len(text) <= _FRAME_CHARS else text[:_FRAME_CHARS] + "..."


def _describe(verdict: Verdict) -> list[str]:
    """``code rule: message`` then the offending field and value, for each rejection."""
    failing = [v for v in verdict.items if not v.ok] or [verdict]
    lines = []
    for v in failing:
        where = f"item {v.index}: " if v.index is not None else ""
        lines.append(f"{where}{v.code} {v.rule}: {v.message}")
        if v.field is not None:
            lines.append(f"  field: {v.field} = {_shown(v.field, v.value)}")
    return lines


def _code(code: Any) -> str:
    text = str(code).strip()
    if text not in KNOWN and text.isdigit() and text.zfill(5) in KNOWN:
        text = text.zfill(5)
    if entry(text) is None and not (text[:1] == "W" and text[1:].isdigit()):
        raise ValueError(f"{code!r} is not a code in the exchange's error table (nor a "
                         f"limit's, a rule module's or a warning's)")
    return text


def _codes(verdict: Verdict) -> list[str]:
    return [v.code for v in verdict.items if not v.ok] or [verdict.code]


class PreflightForTests(Preflight):
    """A :class:`~oxpreflight.Preflight` with assertions; what the ``preflight`` fixture gives.
    ``policy=`` on an assertion checks with that policy merged over this one's."""

    def with_policy(self, policy: Any) -> "PreflightForTests":
        """This Preflight with ``policy`` merged over its own (built once per policy)."""
        if policy is None:
            return self
        cache = vars(self).setdefault("_policies", {})
        key = (id(self.markets), tuple(sorted(self.policy.items())),
               tuple(sorted(dict(policy).items())))
        if key not in cache:
            cache[key] = self.derive(policy=dict(policy))
        return cache[key]

    def assert_accepted(self, frame: Any, *, session: Any = None, policy: Any = None
                        ) -> Verdict:
        """Fail unless the exchange would accept ``frame``.

        ``session``: check with ``session.submit`` (its state; an accepted frame counts as sent).
        ``policy``: check with that policy over this Preflight's (not with ``session``).
        """
        __tracebackhide__ = True
        verdict = session.submit(frame) if session is not None else \
            self.with_policy(policy).check(frame)
        if not verdict.ok:
            raise AssertionError("\n".join(
                ["frame would be rejected:", *_describe(verdict), f"  frame: {_frame_text(frame)}"]))
        return verdict

    def assert_rejected(self, frame: Any, code: Any, *, session: Any = None,
                        policy: Any = None) -> Verdict:
        """Fail unless the exchange would reject ``frame`` with ``code`` (for a batch: some item).

        ``session``: check with ``session.submit`` (a rejection changes none of its state).
        ``policy``: check with that policy over this Preflight's (not with ``session``).
        """
        __tracebackhide__ = True
        expected = _code(code)
        verdict = session.submit(frame) if session is not None else \
            self.with_policy(policy).check(frame)
        known = entry(expected)
        head = f"expected rejection {expected}" + (f" {known.message!r}" if known else "")
        if verdict.ok:
            raise AssertionError(f"{head}, but the frame would be accepted\n"
                                 f"  frame: {_frame_text(frame)}")
        if expected not in _codes(verdict):
            raise AssertionError("\n".join(
                [f"{head}, got:", *_describe(verdict), f"  frame: {_frame_text(frame)}"]))
        return verdict


class RecordingSend:
    """What ``preflight_send(send)`` returns: a guarded ``send`` that records every frame.

    An accepted frame goes to ``send`` unchanged; a rejected one is recorded in ``rejected``
    (``(frame, verdict)`` pairs) and not sent, the call returning ``None``. ``frames``: every
    frame attempted; ``accepted``: the frames passed on. The test fails when ``rejected`` is
    not empty at its end.
    """

    def __init__(self, pf: Preflight, send: Optional[Callable], session: Any = None):
        self.frames: list = []
        self.accepted: list = []
        self.rejected: list[tuple[Any, Verdict]] = []
        self._reported = 0
        self._check = session.submit if session is not None else pf.check
        self.send = guard(SimpleNamespace(check=self._record),
                          send if send is not None else _nothing, on_reject=_nothing)

    def _record(self, frame: Any) -> Verdict:
        self.frames.append(frame)
        verdict = self._check(frame)
        (self.accepted if verdict.ok else self.rejected).append(
            frame if verdict.ok else (frame, verdict))
        return verdict

    def __call__(self, frame: Any, *args: Any, **kwargs: Any) -> Any:
        return self.send(frame, *args, **kwargs)

    def unreported(self) -> list[tuple[Any, Verdict]]:
        """The rejections not reported yet (each is reported once)."""
        fresh, self._reported = self.rejected[self._reported:], len(self.rejected)
        return fresh


class PreflightSend(Protocol):
    """The type of the ``preflight_send`` fixture: ``preflight_send(send=None, *, session=None)``."""

    def __call__(self, send: Optional[Callable[..., Any]] = None, *,
                 session: Any = None) -> RecordingSend:
        ...


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _report(rejected: list[tuple[Any, Verdict]]) -> str:
    lines = [f"{len(rejected)} frame(s) sent through preflight_send would be rejected:"]
    for frame, verdict in rejected:
        lines.append(f"- {_frame_text(frame)}")
        lines.extend("    " + line for line in _describe(verdict))
    return "\n".join(lines)


def _take_rejected(item: pytest.Item) -> list[tuple[Any, Verdict]]:
    return [r for recorder in item.stash.get(_SENDS, []) for r in recorder.unreported()]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    try:
        result = yield
    except BaseException:  # the test's own failure stays the failure; the frames go alongside
        rejected = _take_rejected(item)
        if rejected:
            item.add_report_section("call", "preflight", _report(rejected))
        raise
    rejected = _take_rejected(item)
    if rejected:
        pytest.fail(_report(rejected), pytrace=False)
    return result


# -- fixtures -----------------------------------------------------------------------------------
#: The catalogue a ``preflight_markets`` marker names, resolved once per path for the session.
_MARKED = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def preflight(request: pytest.FixtureRequest) -> PreflightForTests:
    """A Preflight on the embedded catalogue, ``--preflight-markets`` or ini ``preflight_markets``
    (a ``preflight_markets`` marker swaps in its catalogue for that test), with
    ``assert_accepted(frame)`` and ``assert_rejected(frame, code)``.

    One instance serves the whole session: the checker is pure, so the fixture is safe in
    ``@given`` tests (no function-scoped-fixture health check).
    """
    options = dict(request.config.stash.get(_OPTIONS, {}))
    markets = request.config.stash.get(_MARKETS, None)
    if markets is not None:
        options["markets"] = markets
    return PreflightForTests(**options)


@pytest.fixture(autouse=True)
def _preflight_marked_markets(request: pytest.FixtureRequest):
    """For a test that uses ``preflight``: its attributes are restored after the test (so a
    test that sets one does not leak it into the next), and with a ``preflight_markets``
    marker it checks against the marked catalogue during that test."""
    pf = request.getfixturevalue("preflight") if "preflight" in request.fixturenames else None
    if not isinstance(pf, PreflightForTests):  # not used, or a user's own fixture of that name
        yield
        return
    saved = dict(vars(pf))
    marker = request.node.get_closest_marker("preflight_markets")
    if marker is not None:
        vars(pf).update(vars(_marked(request, marker)))
    policy = request.node.get_closest_marker("preflight_policy")
    if policy is not None:
        vars(pf).update(vars(pf.with_policy(policy.args[0] if policy.args else
                                      policy.kwargs["policy"])))
    try:
        yield
    finally:
        vars(pf).clear()
        vars(pf).update(saved)


def _marked(request: pytest.FixtureRequest, marker: pytest.Mark) -> PreflightForTests:
    """The Preflight of a marker's catalogue (built once per path for the session)."""
    markets = marker.args[0] if marker.args else marker.kwargs["markets"]
    options = request.config.stash.get(_OPTIONS, {})
    if not isinstance(markets, (str, PathLike)):
        return PreflightForTests(**dict(options, markets=markets))
    path = Path(request.path.parent, markets)  # relative to the test file
    cache = request.config.stash.setdefault(_MARKED, {})
    if str(path) not in cache:
        cache[str(path)] = PreflightForTests(**dict(options, markets=path))
    return cache[str(path)]


@pytest.fixture
def preflight_session(preflight: PreflightForTests) -> Session:
    """``preflight.session()``: a fresh session (login, rate, open orders) for each test."""
    return preflight.session()


@pytest.fixture
def preflight_send(request: pytest.FixtureRequest, preflight: PreflightForTests
                   ) -> PreflightSend:
    """``preflight_send(send=None, *, session=None)``: a recording guarded send.

    Frames the exchange would reject are not sent, and fail the test after its body runs
    (or at teardown, for frames sent while fixtures are torn down).
    """
    recorders: list[RecordingSend] = []
    request.node.stash[_SENDS] = recorders

    def make(send: Optional[Callable[..., Any]] = None, *, session: Any = None
             ) -> RecordingSend:
        recorder = RecordingSend(preflight, send, session)
        recorders.append(recorder)
        return recorder

    yield make
    late = [r for recorder in recorders for r in recorder.unreported()]
    if late:
        pytest.fail(_report(late), pytrace=False)
