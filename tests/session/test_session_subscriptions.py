"""Subscriptions in a session: private channels before a login was observed draw W105."""
from __future__ import annotations

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import NOW

PRIVATE = ["order:all", "balance:all", "position:all", "order:BTC-USD-SWAP-LIN", "balance:OX"]


@pytest.fixture
def session():
    return Preflight(clock=lambda: NOW).session()


@pytest.mark.parametrize("channel", PRIVATE)
def test_private_channel_before_login_is_accepted_with_w105(session, channel):
    verdict = session.submit({"op": "subscribe", "tag": 1, "args": ["ticker:all", channel]})
    assert verdict.ok
    (note,) = verdict.warnings
    assert (note.code, note.field, note.value, note.rule) == (
        "W105", "args", channel, "subscription-private-before-login")
    assert note.message.startswith(f"{channel}: private channels need an authenticated")


def test_private_channel_after_login_and_public_before_draw_nothing(session):
    assert session.submit({"op": "subscribe", "args": ["trade:BTC-USD-SWAP-LIN"]}).warnings == ()
    session.observe({"event": "login", "success": True})
    assert session.submit({"op": "subscribe", "args": PRIVATE}).warnings == ()


def test_unsubscribe_before_login_draws_no_w105(session):
    assert session.submit({"op": "unsubscribe", "args": ["order:all"]}).warnings == ()


def test_check_warns_on_unknown_channels_and_empty_args(session):
    pf = Preflight()
    unknown = pf.check({"op": "subscribe", "args": ["foo:bar", "trade:BTC-USD-SWAP-LIN"]})
    assert unknown.ok and [(w.code, w.value) for w in unknown.warnings] == [("W011", "foo:bar")]
    empty = pf.check({"op": "subscribe", "args": []})
    assert empty.ok and [w.rule for w in empty.warnings] == ["subscription-empty"]
    both = session.submit({"op": "subscribe", "args": ["orders:all", "order:all"]})
    assert [w.code for w in both.warnings] == ["W011", "W105"]
