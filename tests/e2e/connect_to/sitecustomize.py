"""On the PYTHONPATH of one test subprocess only: connect one host name and port to another address and port,
like curl's ``--connect-to HOST:PORT:ADDRESS:PORT`` (the value of CONNECT_TO_VARIABLE).

Only name resolution changes, in that process, for that one name and port: the client still connects to the
name's URL, so it sends the name as TLS SNI and HTTP Host and verifies the server's certificate against it.
Every other name and port resolves as usual (so the name on another port does not resolve at all). Python runs
``sitecustomize`` at start-up from the first directory on ``sys.path`` that has one (the ``site`` module), so
this needs no change to the installed packages, /etc/hosts or the network.
"""

from __future__ import annotations

import os
import socket
from typing import Any

CONNECT_TO_VARIABLE = "E2E_CONNECT_TO"


def connect_to(host: str, port: int, address: str, address_port: int) -> str:
    """The variable's value: ``host:port:address:address_port``."""
    return f"{host}:{port}:{address}:{address_port}"


def _install(rule: str) -> None:
    name, name_port, address, address_port = rule.rsplit(":", 3)
    resolve = socket.getaddrinfo

    # socket.getaddrinfo's own parameter names: callers may pass any of them by keyword.
    def getaddrinfo(
        host: bytes | str | None,
        port: bytes | str | int | None,
        family: int = 0,
        type: int = 0,
        proto: int = 0,
        flags: int = 0,
    ) -> list[Any]:
        if host == name and str(port) == name_port:
            return resolve(address, int(address_port), family, type, proto, flags)
        return resolve(host, port, family, type, proto, flags)

    socket.getaddrinfo = getaddrinfo


if os.environ.get(CONNECT_TO_VARIABLE):
    _install(os.environ[CONNECT_TO_VARIABLE])
