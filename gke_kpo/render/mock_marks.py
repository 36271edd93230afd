"""Mark files rendered from mock outputs (``make plan``) wherever a user could paste them.

A stack output endpoint in a documentation range (RFC 5737) cannot be a real cluster; the mock runtime
answers with one on purpose, so that alone tells a mock render from a real one, in ``make plan`` and in a
``make render`` of build/<stack>/outputs.json alike.
"""

from __future__ import annotations

import ipaddress
from pathlib import PurePosixPath

_DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(cidr) for cidr in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)

MOCK_NOTICE = (
    "MOCK: rendered from `make plan`'s mock outputs ({what}). "
    "Not for a real Airflow: render from `pulumi stack output --json --show-secrets` instead."
)


def mock_what(host: str, ca_pinned: bool) -> str:
    """What is made up in the files: the API host they point at (the DNS endpoint's uid is invented, the IP
    endpoint is a documentation address) and, on the IP path, the CA."""
    return f"endpoint {host} routes nowhere" + (", the CA is a test CA" if ca_pinned else "")


def mock_notice(host: str, ca_pinned: bool) -> str:
    return MOCK_NOTICE.format(what=mock_what(host, ca_pinned))


def is_mock_endpoint(endpoint: str) -> bool:
    host = endpoint.rsplit(":", 1)[0] if endpoint.count(":") == 1 else endpoint.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _DOCUMENTATION_NETWORKS)


def mark_files(files: dict[str, str], notice_text: str) -> dict[str, str]:
    """Prefix a comment to every file that holds mock values and takes comments (JSON carries a description)."""
    commented = {".yaml", ".py", ".env"}
    notice = f"# {notice_text}\n"
    return {
        relative: (notice + text if PurePosixPath(relative).suffix in commented else text)
        for relative, text in files.items()
    }
