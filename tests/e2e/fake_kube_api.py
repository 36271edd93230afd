"""A loopback TLS Kubernetes API that authenticates like GKE and authorizes like the stack's Role.

It accepts only the bearer tokens the fake metadata servers hand out, each standing for one user
(as GKE maps a Google access token to the service account e-mail); with a ``TokenLedger``, only those
not yet expired, refusing the others with 401 as GKE does. It applies exactly the RoleBindings it was
given: one user with the ``rbac_rules`` output in the stack's namespace, or one binding per tenant
namespace (403 otherwise). It logs every request with its user and verdict, so a test can say "every
request was allowed" and look at the pod that was created.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .cold_gpu import ColdGpuWorkload, requests_gpu
from .http_reply import send_body, send_stream, serving
from .pods import FakePod, PodStore
from .rbac import RequestAttributes, RoleBinding, is_allowed_for, query_flag, request_attributes
from .shared_pool import SharedPool
from .tls import ServerTls
from .tokens import TokenLedger, Verdict


@dataclass(frozen=True)
class AuditRecord:
    method: str
    path: str
    attributes: RequestAttributes
    status: int
    user: str | None = None

    @property
    def allowed(self) -> bool:
        return self.status not in (401, 403)


SINGLE_USER = "airflow"
"""The user a single-identity cluster (``token``, ``namespace``, ``rules``) authenticates its token as."""


@dataclass
class ClusterState:
    """Either one identity (``token`` allowed ``rules`` in ``namespace``) or ``users`` (token -> user)
    with ``bindings`` (several tenants); the single identity is stored as one more user and binding."""

    token: str = ""
    namespace: str = ""
    rules: list[dict[str, Any]] = field(default_factory=list)
    pods: PodStore = field(default_factory=PodStore)
    audit: list[AuditRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    users: dict[str, str] = field(default_factory=dict)
    bindings: list[RoleBinding] = field(default_factory=list)
    # Short-lived tokens: when set, it (not ``token``) decides who is authenticated (as the single user).
    ledger: TokenLedger | None = None
    # How GPU pods behave: a cold pool and a long run; None keeps them quick like the seed's pod.
    gpu_workload: ColdGpuWorkload | None = None
    # A GPU pool shared with other tenants: quota refusals and Spot preemptions (overrides gpu_workload).
    shared_pool: SharedPool | None = None
    project: str = "e2e-project"  # named in the autoscaler's scale-up event
    server_names: list[str | None] = field(default_factory=list)
    """The TLS server name (SNI) of every handshake, None when the client sent none (it connected by IP)."""

    def __post_init__(self) -> None:
        if self.token:
            self.users = {**self.users, self.token: SINGLE_USER}
            self.bindings = [*self.bindings, RoleBinding(self.namespace, SINGLE_USER, self.rules)]

    def record(self, record: AuditRecord) -> None:
        with self.lock:
            self.audit.append(record)

    def record_server_name(self, server_name: str | None) -> None:
        with self.lock:
            self.server_names.append(server_name)

    def user_for(self, authorization: str | None) -> str | None:
        """The user a bearer token authenticates as; None for a missing, unknown or expired token (401)."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "Bearer":
            return None
        if self.ledger is not None:
            return SINGLE_USER if self.ledger.check(token) is Verdict.VALID else None
        return self.users.get(token)


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": reason,
        "message": message,
        "code": code,
    }


class _Reply:
    """The handler's answer before it is sent: status and JSON or text body."""

    def __init__(self, status: int, body: dict[str, Any] | str | Iterable[str]) -> None:
        self.status, self.body = status, body


def _serve_pod(state: ClusterState, method: str, attributes: RequestAttributes, body: dict[str, Any]) -> _Reply:
    assert attributes.namespace is not None and attributes.name is not None
    pod = state.pods.find(attributes.namespace, attributes.name)
    if pod is None:
        return _Reply(404, _status(404, "NotFound", f'pods "{attributes.name}" not found'))
    if method == "GET":
        with state.pods.lock:
            pod.advance()
            return _Reply(200, pod.view())
    if method == "PATCH":
        return _Reply(200, state.pods.patch_labels(pod, body))
    state.pods.delete(attributes.namespace, attributes.name)
    return _Reply(200, pod.view())


def _serve_log(pod: FakePod | None, query: dict[str, list[str]]) -> _Reply:
    if pod is None:
        return _Reply(404, _status(404, "NotFound", "pod not found"))
    timestamps = query_flag(query, "timestamps")
    if pod.workload is None:
        return _Reply(200, pod.log(timestamps=timestamps))
    since = query.get("sinceSeconds", [None])[0]
    stream = pod.follow_log(query_flag(query, "follow"), timestamps, int(since) if since else None)
    return _Reply(200, stream)


def _event_list(state: ClusterState, namespace: str, query: dict[str, list[str]]) -> dict[str, Any]:
    selector = query.get("fieldSelector", [""])[0]
    name = selector.removeprefix("involvedObject.name=") if selector.startswith("involvedObject.name=") else None
    pod = state.pods.find(namespace, name) if name else None
    items = []
    if pod is not None and pod.workload is not None:
        items = pod.workload.events(pod.manifest, pod.created_at, time.time(), state.project)
    return {"kind": "EventList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items}


def _serve(
    state: ClusterState, method: str, attributes: RequestAttributes, query: dict[str, list[str]], body: dict[str, Any]
) -> _Reply:
    namespace = attributes.namespace or ""
    if attributes.resource == "events" and attributes.verb == "list":
        return _Reply(200, _event_list(state, namespace, query))
    if attributes.resource == "pods" and attributes.verb == "create":
        workload = state.gpu_workload
        if state.shared_pool is not None and requests_gpu(body):
            refusal, workload = state.shared_pool.admit(body["metadata"]["name"])
            if refusal is not None:
                return _Reply(403, refusal)
        return _Reply(201, state.pods.create(namespace, body, workload))
    if attributes.resource == "pods" and attributes.verb == "list":
        items = state.pods.list(namespace, query.get("labelSelector", [""])[0])
        return _Reply(
            200, {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items}
        )
    if attributes.resource == "pods" and attributes.verb in ("get", "patch", "delete"):
        return _serve_pod(state, method, attributes, body)
    if attributes.resource == "pods/log" and attributes.verb == "get":
        return _serve_log(state.pods.find(namespace, attributes.name or ""), query)
    return _Reply(405, _status(405, "MethodNotAllowed", f"the fake API does not serve {method} {attributes}"))


def _handler_for(state: ClusterState) -> type[BaseHTTPRequestHandler]:
    class KubeApiHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_PATCH(self) -> None:
            self._handle()

        def do_PUT(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def _handle(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            attributes = request_attributes(self.command, url.path, query)
            user = state.user_for(self.headers.get("Authorization"))
            reply = self._authorize(user, attributes) or _serve(state, self.command, attributes, query, self._body())
            state.record(AuditRecord(self.command, self.path, attributes, reply.status, user))
            self._send(reply)

        def _authorize(self, user: str | None, attributes: RequestAttributes) -> _Reply | None:
            if user is None:
                return _Reply(401, _status(401, "Unauthorized", "Unauthorized"))
            if not is_allowed_for(state.bindings, user, attributes):
                message = (
                    f'User "{user}" cannot {attributes.verb} resource "{attributes.resource}" '
                    f'in the namespace "{attributes.namespace}"'
                )
                return _Reply(403, _status(403, "Forbidden", message))
            return None

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if not length:
                return {}
            parsed: dict[str, Any] = json.loads(self.rfile.read(length))
            return parsed

        def _send(self, reply: _Reply) -> None:
            if isinstance(reply.body, str):
                send_body(self, reply.status, reply.body, "text/plain")
            elif isinstance(reply.body, dict):
                send_body(self, reply.status, json.dumps(reply.body), "application/json")
            else:
                send_stream(self, reply.status, reply.body, "text/plain")

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the audit log records every request."""

    return KubeApiHandler


@contextmanager
def serve_kube_api(state: ClusterState, tls: ServerTls) -> Iterator[str]:
    """Serve HTTPS on an ephemeral 127.0.0.1 port; yields ``127.0.0.1:port`` (no scheme)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.cert_file, tls.key_file)
    context.sni_callback = lambda _socket, server_name, _context: state.record_server_name(server_name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server) as address:
        yield address
