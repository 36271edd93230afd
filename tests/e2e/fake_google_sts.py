"""Loopback stand-ins for Google's STS token exchange and IAM Credentials generateAccessToken.

They judge a request the way the real services document it: STS verifies the subject token's
signature against the issuer's key, its issuer, its audience against the provider's allowed
audiences, the request's ``audience`` against the provider's resource name, and the subject
against the provider's attribute condition (here: the subject list the condition was built from);
IAM Credentials accepts only a federated token whose subject holds workloadIdentityUser on exactly
the requested service account. Error bodies carry Google's wording so the user-facing message in
the Airflow log is the one a real refusal gives.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .http_reply import send_body, serving

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
GENERATE = re.compile(r"^/v1/projects/-/serviceAccounts/(?P<email>[^/:]+):generateAccessToken$")


@dataclass
class Issuer:
    """A Kubernetes service-account token issuer: the key only it holds, and tokens it signs."""

    url: str
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def token(self, subject: str, audience: str, lifetime: int = 3600) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "sub": subject, "aud": [audience], "iat": now, "nbf": now, "exp": now + lifetime}
        return jwt.encode(claims, self.key, algorithm="RS256")


@dataclass
class ProviderConfig:
    """The provider and bindings exactly as the stack declares them."""

    audience: str
    """The provider's resource name, which the credential file sends as ``audience``."""
    issuer: Issuer
    allowed_audiences: list[str]
    admitted_subjects: list[str]
    service_account: str
    impersonators: list[str]
    """Subjects holding roles/iam.workloadIdentityUser on ``service_account`` (principal://.../subject/<sub>)."""


@dataclass
class GoogleState:
    provider: ProviderConfig
    access_token: str = field(default_factory=lambda: f"ya29.impersonated-{secrets.token_hex(8)}")
    federated: dict[str, str] = field(default_factory=dict)
    """Federated token -> the subject it was issued for."""
    exchanges: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def exchange(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type") != TOKEN_EXCHANGE or form.get("subject_token_type") != JWT_TOKEN_TYPE:
            return self._refuse(400, "invalid_request", "Invalid value for grant_type or subject_token_type.")
        if form.get("audience") != self.provider.audience:
            return self._refuse(400, "invalid_target", "The target service indicated by the audience is invalid.")
        try:
            claims = jwt.decode(
                form.get("subject_token", ""),
                self.provider.issuer.key.public_key(),
                algorithms=["RS256"],
                audience=self.provider.allowed_audiences,
                issuer=self.provider.issuer.url,
            )
        except jwt.InvalidAudienceError:
            return self._refuse(400, "invalid_grant", "The audience in ID Token does not match the expected audience.")
        except jwt.PyJWTError as error:
            return self._refuse(400, "invalid_grant", f"ID Token issued by an unexpected issuer or invalid: {error}")
        subject = str(claims["sub"])
        if subject not in self.provider.admitted_subjects:
            return self._refuse(
                400, "unauthorized_client", "The given credential is rejected by the attribute condition."
            )
        token = f"federated-{secrets.token_hex(8)}"
        with self.lock:
            self.federated[token] = subject
            self.exchanges.append(subject)
        body = {"access_token": token, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}
        return 200, body | {"token_type": "Bearer", "expires_in": 3600}

    def generate(self, email: str, authorization: str) -> tuple[int, dict[str, Any]]:
        subject = self.federated.get(authorization.removeprefix("Bearer "))
        if subject is None:
            return self._refuse(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if email != self.provider.service_account or subject not in self.provider.impersonators:
            return self._refuse(
                403, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource."
            )
        expiry = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return 200, {"accessToken": self.access_token, "expireTime": expiry}

    def _refuse(self, status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.refusals.append(description)
        if status >= 401:
            return status, {"error": {"code": status, "status": error, "message": description}}
        return status, {"error": error, "error_description": description}


def _handler_for(state: GoogleState) -> type[BaseHTTPRequestHandler]:
    class GoogleHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            match = GENERATE.match(self.path)
            if self.path == "/v1/token":
                form = {key: values[0] for key, values in parse_qs(body).items()}
                status, reply = state.exchange(form)
            elif match:
                status, reply = state.generate(match.group("email"), self.headers.get("Authorization", ""))
            else:
                status, reply = 404, {"error": "not found"}
            send_body(self, status, json.dumps(reply), "application/json")

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the state records exchanges and refusals."""

    return GoogleHandler


@contextmanager
def serve_google(state: GoogleState) -> Iterator[str]:
    """STS and IAM Credentials on one ephemeral 127.0.0.1 port; yields ``http://127.0.0.1:port``."""
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))) as address:
        yield f"http://{address}"
