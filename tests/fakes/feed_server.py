"""A provincial portal's RSS feed on 127.0.0.1, honouring ETag / If-Modified-Since like a real
web server, with switches for a malformed feed and server errors."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FeedServer:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, str, str]] = []  # (guid, title, link, description)
        self.status = 200
        self.raw: bytes | None = None      # served instead of the feed when set
        self.requests: list[dict[str, str]] = []
        self.last_modified = "Mon, 04 Mar 2024 00:00:00 GMT"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/rss/cchc.xml"

    def add(self, guid: str, title: str, description: str = "", link: str | None = None) -> None:
        self.items.append((guid, title, link or f"https://gialai.gov.vn/tin/{guid}", description))

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        entries = "".join(
            f"<item><guid>{g}</guid><title>{t}</title><link>{lk}</link>"
            f"<description><![CDATA[{d}]]></description></item>" for g, t, lk, d in reversed(self.items))
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                "<title>Tin cải cách hành chính</title><link>https://gialai.gov.vn</link>"
                f"<description>CCHC</description>{entries}</channel></rss>").encode()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                fake.requests.append({k: v for k, v in self.headers.items()})
                if fake.status != 200:
                    self.send_response(fake.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = fake.body()
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", fake.last_modified)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def __enter__(self) -> "FeedServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
