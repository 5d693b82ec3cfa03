"""Exceptions: one class per code, declared on the rule rows; guard raises it."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import oxpreflight
from oxpreflight import (
    AccountNotEnabled, ArgumentsRequired, AuthenticationError, BadRequest, BadSymbol,
    ExchangeError, InsufficientFunds, InvalidOrder, MarketClosed, NetworkError, NotSupported,
    OperationFailed, OperationRejected, OrderNotFound, PermissionDenied, Preflight,
    RateLimitExceeded, Rejected, RequestTimeout, Verdict,
)
from oxpreflight import errors
from oxpreflight.rules import RULES, STATE_RULES, catalogue, ccxt, timing
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.language import Expired

CLASSES = (ExchangeError, AuthenticationError, PermissionDenied, AccountNotEnabled,
           ArgumentsRequired, BadRequest, BadSymbol, OperationRejected, MarketClosed,
           InsufficientFunds, InvalidOrder, OrderNotFound, NotSupported, OperationFailed,
           NetworkError, RateLimitExceeded, RequestTimeout)
#: ccxt 4.4's hierarchy (base/errorHierarchy), below BaseError (our Rejected).
CCXT_PARENT = {
    ExchangeError: Rejected, AuthenticationError: ExchangeError,
    PermissionDenied: AuthenticationError, AccountNotEnabled: PermissionDenied,
    ArgumentsRequired: ExchangeError, BadRequest: ExchangeError, BadSymbol: BadRequest,
    OperationRejected: ExchangeError, MarketClosed: OperationRejected,
    InsufficientFunds: ExchangeError, InvalidOrder: ExchangeError, OrderNotFound: InvalidOrder,
    NotSupported: ExchangeError, OperationFailed: Rejected, NetworkError: OperationFailed,
    RateLimitExceeded: NetworkError, RequestTimeout: NetworkError,
}
ROWS = tuple(RULES) + tuple(STATE_RULES)
REJECTING = [row for row in ROWS if not row.code.startswith("W")]


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight()


EXAMPLES = Preflight(markets=MARKETS, clock=lambda: NOW)  # what the rows' examples run against


def frame_of(row, example):
    if isinstance(example, (str, bytes)) or "op" in example:
        return example
    return {"op": row.commands[0], "tag": 1, "data": example}


def test_every_class_is_exported_and_derives_from_rejected():
    for cls in CLASSES:
        assert getattr(oxpreflight, cls.__name__) is cls and cls.__name__ in oxpreflight.__all__
        assert issubclass(cls, Rejected) and issubclass(cls, Exception)
    # ccxt's hierarchy, parent by parent
    assert {cls: cls.__bases__[0] for cls in CLASSES} == CCXT_PARENT


@pytest.mark.parametrize("row", REJECTING, ids=lambda r: f"{r.code}-{r.name}")
def test_every_rejecting_row_names_an_exported_class(row):
    assert row.error in {cls.__name__ for cls in CLASSES}, (row.where, row.error)


def test_warning_rows_name_no_class():
    assert all(not row.error for row in ROWS if row.code.startswith("W"))


def test_all_rows_of_one_code_name_the_same_class():
    named: dict[str, set] = {}
    for row in REJECTING:
        named.setdefault(row.code, set()).add(row.error)
    split = {code: names for code, names in named.items() if len(names) > 1}
    assert split == {}


def test_by_code_follows_the_rows():
    for row in REJECTING:
        assert errors.BY_CODE[row.code].__name__ == row.error


def test_every_known_code_has_a_class_and_an_unknown_one_gets_the_base_class():
    assert set(errors.BY_CODE) == set(catalogue.KNOWN)
    assert not set(ccxt.NO_ROW) & {row.code for row in REJECTING}
    assert type(errors.error_for(Verdict(False, "99999", "m"))) is Rejected
    assert type(errors.error_for(Verdict(False, "20032", "m"))) is NetworkError


def guarded_codes() -> set:
    return {row.code for row in REJECTING}


def test_the_47_guarded_codes_take_ccxt_class_except_the_kept_ones():
    codes = guarded_codes()
    assert len(codes) == 48  # the 47 of ccxt's comparison, and the observed 20044
    ours = {code: errors.BY_CODE[code].__name__ for code in codes if code in ccxt.CCXT}
    assert len(ours) == 47
    differ = {code for code, name in ours.items() if name != ccxt.CCXT[code]}
    assert differ == set(ccxt.KEPT)
    assert set(ccxt.CCXT) == set(catalogue.CODES)


def test_kept_classes_are_still_caught_where_ccxt_users_catch_them():
    # where we keep a more precise class, an `except` for ccxt's class still works, except
    # for the three codes where ccxt's class is wrong (rate limit, signature, inactive market)
    caught = {code for code in ccxt.KEPT
              if issubclass(errors.BY_CODE[code], getattr(errors, ccxt.CCXT[code]))}
    assert caught == {"20024", "20050"}


def test_readme_lists_every_difference_from_ccxt_with_its_reason():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Exception classes against ccxt", 1)[1].split("\n## ", 1)[0]
    for code, reason in ccxt.KEPT.items():
        line = next(l for l in section.splitlines() if l.startswith(f"| {code} |"))
        assert ccxt.CCXT[code] in line and errors.BY_CODE[code].__name__ in line
    # the 23 codes whose class changed to ccxt's (28 differed before, 5 are kept)
    taken = ("20003 20005 20010 20011 20012 20013 20022 20023 20006 20020 20021 20028 20029 "
             "20030 100008 710002 710003 710004 20031 300001 100006 100015 710007").split()
    assert len(taken) == 23 and not set(taken) & set(ccxt.KEPT)
    for code in taken:
        assert code in section and errors.BY_CODE[code].__name__ == ccxt.CCXT[code]


@pytest.mark.parametrize("row", [r for r in RULES if not r.code.startswith("W")],
                         ids=lambda r: f"{r.code}-{r.name}")
def test_guard_raises_the_rows_class_for_its_bad_example(row):
    frame = frame_of(row, row.bad)
    verdict = EXAMPLES.check(frame)
    assert verdict.code == row.code
    sent: list = []
    with pytest.raises(Rejected) as info:
        EXAMPLES.guard(sent.append)(frame)
    exc = info.value
    assert type(exc).__name__ == row.error and sent == []
    assert (exc.code, exc.message, exc.field) == (verdict.code, verdict.message, verdict.field)
    assert exc.response is not None and exc.response["code"] == row.code


def test_exception_carries_code_message_field_reply_and_verdict(pf):
    frame = {"op": "placeorder", "tag": 7, "data": {
        "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT", "quantity": 1}}
    with pytest.raises(ArgumentsRequired) as info:
        pf.guard(lambda f: None)(json.dumps(frame))
    exc = info.value
    assert (exc.code, exc.message, exc.field) == ("20022", "price is required for LIMIT order",
                                                  "price")
    assert exc.response["tag"] == "7" and exc.response["submitted"] is False
    assert exc.verdict.code == "20022" and str(exc) == "20022 price is required for LIMIT order"
    assert exc.retryable is False


def test_retryable_is_true_exactly_for_the_expiry_and_rate_codes(pf):
    expired = next(r for r in RULES if isinstance(r.fails, Expired))
    assert expired is timing.RULES[0]
    with pytest.raises(NetworkError) as info:
        EXAMPLES.guard(print)(frame_of(expired, expired.bad))
    assert info.value.retryable is True and info.value.code == expired.code
    for row in REJECTING:
        verdict = Verdict(False, row.code, "m")
        cls = errors.BY_CODE[row.code]
        assert errors.error_for(verdict).retryable is (
            issubclass(cls, RateLimitExceeded)
            or any(isinstance(r.fails, Expired) for r in RULES if r.code == row.code))


def test_rate_limit_row_is_retryable_rate_limit_exceeded():
    rate = [row for row in STATE_RULES if row.error == "RateLimitExceeded"]
    assert rate, "a session row names RateLimitExceeded"
    exc = errors.error_for(Verdict(False, rate[0].code, "m"))
    assert isinstance(exc, RateLimitExceeded) and exc.retryable


def test_rejected_stays_constructible_from_a_verdict(pf):
    verdict = pf.check({"op": "nope"})
    exc = Rejected(verdict)
    assert (exc.code, exc.verdict) == ("20003", verdict) and not isinstance(exc, NotSupported)
    assert isinstance(errors.error_for(verdict), NotSupported)


def test_exception_survives_pickling_with_its_class_and_reply(pf):
    exc = errors.error_for(pf.check({"op": "placeorder", "tag": 3, "data": {
        "marketCode": "NOPE", "side": "BUY", "orderType": "MARKET", "quantity": 1}}))
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is BadSymbol and (back.code, back.field) == (exc.code, exc.field)
    assert back.response == exc.response and str(back) == str(exc)


def test_session_rejection_raises_a_rejected_and_never_shows_the_secret(pf):
    secret = "s3cr3t-never-shown"
    session = pf.session(api_key="k3y", api_secret=secret)
    frame = {"op": "login", "tag": secret, "data": {"apiKey": secret, "timestamp": 1,
                                                    "signature": secret}}
    with pytest.raises(Rejected) as info:
        pf.guard(lambda f: None, session=session)(frame)
    exc = info.value
    shown = [str(exc), repr(exc), repr(exc.verdict), json.dumps(exc.response, default=str),
             str(exc.message), str(exc.field)]
    assert all(secret not in text for text in shown)
    with pytest.raises(Exception):
        pickle.dumps(session)  # the secret cannot leave through a pickle either
