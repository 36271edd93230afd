"""A loopback stand-in for the GKE Workload Identity metadata server.

Both the Go client in gke-gcloud-auth-plugin (via ``GCE_METADATA_HOST``) and gcloud
(via ``GCE_METADATA_ROOT``) talk plain HTTP to it, exactly as they do on a GKE node.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .http_reply import send_body, serving
from .tokens import TokenLedger

ACCOUNTS_PATH = "/computeMetadata/v1/instance/service-accounts/"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
TOKEN_LIFETIME_SECONDS = 3599


@dataclass
class MetadataState:
    access_token: str
    service_account: str
    project_id: str = "fake-project"
    numeric_project_id: str = "123456789012"
    token_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # When set, every token fetch mints a new short-lived token instead of returning access_token.
    ledger: TokenLedger | None = None

    def count_token_request(self) -> None:
        with self.lock:
            self.token_requests += 1

    def token_paths(self) -> set[str]:
        return {f"{ACCOUNTS_PATH}{alias}/token" for alias in ("default", self.service_account)}

    def answer(self, path: str) -> str | None:
        """The body for a metadata path, or None when the real server would 404."""
        account = {"aliases": ["default"], "email": self.service_account, "scopes": SCOPES}
        if path in self.token_paths():
            return json.dumps(self._token())
        answers: dict[str, str] = {}
        for alias in ("default", self.service_account):
            answers[f"{ACCOUNTS_PATH}{alias}/email"] = self.service_account
            answers[f"{ACCOUNTS_PATH}{alias}/scopes"] = "\n".join(SCOPES)
            answers[f"{ACCOUNTS_PATH}{alias}/"] = json.dumps(account)
        answers |= {
            ACCOUNTS_PATH: f"default/\n{self.service_account}/\n",
            "/computeMetadata/v1/project/project-id": self.project_id,
            "/computeMetadata/v1/project/numeric-project-id": self.numeric_project_id,
            "/computeMetadata/v1/universe/universe-domain": "googleapis.com",
            "/computeMetadata/v1/instance/zone": f"projects/{self.numeric_project_id}/zones/us-central1-a",
            "/": "computeMetadata/\n",
        }
        return answers.get(path)

    def _token(self) -> dict[str, object]:
        if self.ledger is None:
            token, lifetime = self.access_token, TOKEN_LIFETIME_SECONDS
        else:
            token, lifetime = self.ledger.mint(), self.ledger.lifetime_seconds
        return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}


def _handler_for(state: MetadataState) -> type[BaseHTTPRequestHandler]:
    class MetadataHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # The real server refuses requests without the header; so do we, so a client
            # that forgot it (and would fail on GKE) fails here too.
            if self.headers.get("Metadata-Flavor") != "Google":
                self._reply(403, "Missing Metadata-Flavor:Google header.")
                return
            path = urlsplit(self.path).path
            body = state.answer(path)
            if body is None:
                self._reply(404, "not found")
                return
            if path in state.token_paths():
                state.count_token_request()
            self._reply(200, body)

        def _reply(self, status: int, body: str) -> None:
            content_type = "application/json" if body.startswith("{") else "text/plain"
            send_body(self, status, body, content_type, Metadata_Flavor="Google")

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the state counts what matters."""

    return MetadataHandler


@contextmanager
def serve_metadata(state: MetadataState) -> Iterator[str]:
    """Serve on an ephemeral 127.0.0.1 port; yields ``host:port``."""
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))) as address:
        yield address
