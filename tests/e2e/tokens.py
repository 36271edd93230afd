"""Short-lived access tokens: the fake metadata server mints them, the fake API checks them.

Each fetch mints a new token that expires ``lifetime_seconds`` later, as Google's metadata server
does (with an hour instead of seconds). The ledger remembers every token and its expiry, so the API
can refuse an expired one with 401 and the test can prove none was ever accepted.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass
class TokenLedger:
    prefix: str
    lifetime_seconds: int
    expiries: dict[str, float] = field(default_factory=dict)
    refused_expired: int = 0
    accepted: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _pasted: set[str] = field(default_factory=set)

    def mint(self) -> str:
        with self.lock:
            token = f"{self.prefix}-{next(self._serial)}"
            self.expiries[token] = time.time() + self.lifetime_seconds
            return token

    def mint_pasted(self) -> str:
        """A token a user pasted into a kubeconfig: its lifetime starts when the API first sees it,
        as if fetched just before the task started, so it expires in the middle of the task."""
        with self.lock:
            token = f"{self.prefix}-pasted"
            self.expiries[token] = math.inf
            self._pasted.add(token)
            return token

    @property
    def minted(self) -> int:
        return len(self.expiries) - len(self._pasted)

    def check(self, token: str) -> Verdict:
        """Judge one presented token; counts refusals of expired ones and remembers accepted ones."""
        with self.lock:
            expiry = self.expiries.get(token)
            if expiry is None:
                return Verdict.UNKNOWN
            if token in self._pasted and expiry == math.inf:
                expiry = self.expiries[token] = time.time() + self.lifetime_seconds
            if time.time() >= expiry:
                self.refused_expired += 1
                return Verdict.EXPIRED
            self.accepted.add(token)
            return Verdict.VALID
