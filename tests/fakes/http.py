"""Shared plumbing for the fake external services: a threaded `http.server` on 127.0.0.1:0
that parses each request (query, JSON, form, multipart) into a `Request` and lets a subclass
answer it with a `Response` — or drop the connection, or answer late.

A fake subclasses `FakeServer`, implements `handle(request) -> Response` and is used as a
context manager (`with FakeX() as fake:`), which starts and stops the server thread.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Upload:
    """One file of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    method: str                     # GET, POST, …
    path: str                       # without the query string
    query: dict[str, str]
    headers: dict[str, str]         # lower-case names
    raw: bytes
    form: dict[str, str] = field(default_factory=dict)   # form fields or JSON object members
    json: Any = None
    files: dict[str, Upload] = field(default_factory=dict)

    def param(self, name: str, default: Any = None) -> Any:
        """A parameter from the JSON body, the form or the query string (in that order)."""
        if isinstance(self.json, dict) and name in self.json:
            return self.json[name]
        if name in self.form:
            return self.form[name]
        return self.query.get(name, default)


@dataclass
class Response:
    status: int = 200
    body: Any = None                # dict/list → JSON; str/bytes as is
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False              # close the connection without answering
    delay: float = 0.0              # seconds to wait before answering (read timeouts)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body, ensure_ascii=False).encode(), "application/json; charset=utf-8"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return (self.body or b""), "application/octet-stream"


def parse_body(content_type: str, raw: bytes) -> tuple[dict[str, str], Any, dict[str, Upload]]:
    """(form fields, JSON value, uploaded files) of a request body."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json" and raw:
        value = json.loads(raw.decode("utf-8"))
        form = {k: v for k, v in value.items()} if isinstance(value, dict) else {}
        return form, value, {}
    if ctype == "application/x-www-form-urlencoded":
        parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}, None, {}
    if ctype == "multipart/form-data":
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        form: dict[str, str] = {}
        files: dict[str, Upload] = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            data = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name] = Upload(filename, part.get_content_type(), data)
            else:
                form[name] = data.decode(part.get_content_charset() or "utf-8")
        return form, None, files
    return {}, None, {}


class FakeServer:
    """Base of every fake: subclasses implement `handle`. Thread-safe through `self.lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.stopping = False

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def root(self) -> str:
        """http://127.0.0.1:<port> (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                                        name=type(self).__name__)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # -- to implement ----------------------------------------------------------------------

    def handle(self, request: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------

    def notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> bool:
        """Wait until `predicate()` is true (it is re-checked after every request)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                if predicate():
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.05))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    form, value, files = parse_body(headers.get("content-type", ""), raw)
                except (ValueError, UnicodeDecodeError):
                    form, value, files = {}, None, {}
                req = Request(self.command, url.path, query, headers, raw, form, value, files)
                try:
                    resp = fake.handle(req)
                finally:
                    fake.notify()
                if resp.delay:
                    time.sleep(resp.delay)
                if resp.drop:
                    self.close_connection = True
                    return
                body, ctype = resp.encoded()
                try:
                    self.send_response(resp.status)
                    hdrs = {"Content-Type": ctype, **resp.headers}
                    for k, v in hdrs.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
