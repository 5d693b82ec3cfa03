"""The signed login frame, built the way the exchange documents it.

    >>> frame = login_frame("my-key", "my-secret", timestamp=1717348159900, tag=1)
    >>> frame["data"]["signature"]
    'nO2ENwp9vAspb2w0RvK+XiSEV8rlTqooM1YUMLvyavs='
"""
from __future__ import annotations

from typing import Any, Optional, Union

from .session.auth import Secret
from .validators.clock import system_clock

__all__ = ["login_frame"]


def login_frame(api_key: str, api_secret: Union[str, bytes], *, timestamp: Optional[int] = None,
                tag: Union[int, str, None] = None) -> dict[str, Any]:
    """``{"op": "login", "tag": tag, "data": {"apiKey", "timestamp", "signature"}}``.

    ``signature`` is Base64(HMAC-SHA256(key=api_secret, msg=timestamp + "GET/auth/self/verify")),
    over the timestamp's decimal text; ``timestamp`` (epoch milliseconds) is read from the
    system clock when omitted; ``tag`` is left out when ``None``. The secret appears in no
    error this raises.
    """
    secret = Secret(api_secret)  # wrapped first: no later error's traceback locals hold it
    del api_secret
    secret.usable()
    if not isinstance(api_key, str) or not api_key:
        raise TypeError("api_key must be a non-empty str")
    if timestamp is None:
        timestamp = system_clock()
    elif timestamp.__class__ is not int or timestamp <= 0:
        raise TypeError("timestamp must be a positive int of epoch milliseconds")
    if tag is not None and tag.__class__ not in (int, str):
        raise TypeError("tag must be an int, a str or None")
    frame: dict[str, Any] = {"op": "login"}
    if tag is not None:
        frame["tag"] = tag
    frame["data"] = {"apiKey": api_key, "timestamp": timestamp,
                     "signature": secret.sign(str(timestamp)).decode("ascii")}
    return frame
