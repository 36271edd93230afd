"""What the loopback fakes share: writing one complete HTTP response, and serving on a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def send_body(handler: BaseHTTPRequestHandler, status: int, body: str, content_type: str, **headers: str) -> None:
    payload = body.encode()
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def send_stream(handler: BaseHTTPRequestHandler, status: int, chunks: Iterable[str], content_type: str) -> None:
    """A body of unknown length, as a followed pod log: no Content-Length, ended by closing (HTTP/1.0)."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Connection", "close")
    handler.end_headers()
    for chunk in chunks:
        handler.wfile.write(chunk.encode())
        handler.wfile.flush()
    handler.close_connection = True


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[str]:
    """Run the server on a daemon thread; yields ``127.0.0.1:port`` and always shuts it down."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
