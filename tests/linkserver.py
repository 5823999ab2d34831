"""A local web site for the link tests and the link benchmark: a page for each problem an
assessor meets, served over HTTPS (a throwaway certificate for 127.0.0.1) and plain HTTP.

Every page has an ETag and a Last-Modified date and answers a matching conditional request with
304 at once; a full page waits ``latency`` seconds first (a CMS building it).
"""

from __future__ import annotations

import contextlib
import hashlib
import ssl
import subprocess
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

YEAR = 2565
PAD = " ".join(["ข้อมูลที่หน่วยงานเปิดเผยต่อสาธารณะตามเกณฑ์การประเมิน"] * 6)
MODIFIED = formatdate(1_650_000_000, usegmt=True)


def html(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<script>var year = {YEAR};</script></head><body>{body}</body></html>"
    ).encode()


def pdf(text: str) -> bytes:
    """A one-page PDF whose page says ``text`` (ASCII) in Helvetica."""
    content = f"BT /F1 11 Tf 40 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


PDF_TEXT = "Annual report of the provincial administration organisation, all divisions, "
PAGES: dict[str, tuple[int, str, bytes]] = {  # path -> status, content type, body
    "/": (200, "text/html", html("หน้าแรก", f"<h1>ยินดีต้อนรับ ปี ๒๕๖๕</h1><p>{PAD}</p>")),
    "/ok.html": (
        200,
        "text/html; charset=utf-8",
        html(f"รายงานผลการดำเนินงาน ประจำปีงบประมาณ พ.ศ. {YEAR}", f"<p>{PAD}</p>"),
    ),
    "/ok2.html": (200, "text/html", html("แผนดำเนินงาน ปี ๒๕๖๕", f"<p>{PAD}</p>")),
    "/ok3.html": (200, "text/html", html("ข่าวประชาสัมพันธ์ 2565", f"<p>{PAD}</p>")),
    "/same.html": (200, "text/html", html("ข่าวประชาสัมพันธ์ ๒๕๖๕", f"<p>{PAD}</p>")),
    "/range.html": (
        200,
        "text/html",
        html("ผลการใช้จ่ายงบประมาณ", f"<p>ตั้งแต่ ๑ ต.ค. ๖๔ เป็นต้นไป {PAD}</p>"),
    ),
    "/ce.html": (200, "text/html", html("Annual plan, fiscal year 2022", f"<p>{PAD}</p>")),
    "/old.html": (
        200,
        "text/html",
        html("รายงานประจำปี 2564", f"<p>ปีงบประมาณ พ.ศ. 2563 และ 2564 {PAD}</p>"),
    ),
    "/noyear.html": (200, "text/html", html("ช่องทางติดต่อ", f"<p>{PAD}</p>")),
    "/empty.html": (200, "text/html", html("ว่าง 2565", "<div> </div>")),
    "/login.html": (
        200,
        "text/html",
        html(
            "เข้าสู่ระบบ 2565",
            f"<form method='post'><input name='u'><input type='password' name='p'></form>{PAD}",
        ),
    ),
    "/accounts/login": (
        200,
        "text/html",
        html("Sign in 2565", f"<form><input type=password name=p></form><p>{PAD}</p>"),
    ),
    "/drive/file/d/abc/view": (
        200,
        "text/html",
        html(
            "Google Drive - You need access",
            "<meta property='og:site_name' content='Google Drive'>"
            f"<h1>You need access</h1><p>Request access, or switch to an account with access. "
            f"{PAD} 2565</p>",
        ),
    ),
    "/report-2565.pdf": (
        200,
        "application/pdf",
        pdf(PDF_TEXT + f"fiscal year {YEAR} (1 October 2021 to 30 September 2022)"),
    ),
    "/report-old.pdf": (200, "application/pdf", pdf(PDF_TEXT + "fiscal year 2563")),
    "/secret/page.html": (200, "text/html", html("ลับ 2565", f"<p>{PAD}</p>")),
    "/missing": (404, "text/html", html("ไม่พบหน้า", "<p>404</p>")),
    "/error": (500, "text/html", html("Server error", "<p>500</p>")),
    "/private": (401, "text/html", html("Unauthorized", "<p>401</p>")),
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /secret/\n"),
}
REDIRECTS = {  # path -> status, where
    "/moved": (301, "/"),
    "/redirect-chain": (302, "/r2"),
    "/r2": (301, "/ok3.html"),
    "/loop": (302, "/loop"),
    "/to-login": (302, "/accounts/login?next=/report"),
}
BIG = 10 * 1024 * 1024  # /big.html: a 10 MB page
SLOW = 3.0  # /slow.html answers after this many seconds


class Site:
    """The pages, shared by the handler threads; ``latency`` is per full page."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.pages = dict(PAGES)
        self.requests = 0
        self.full = 0  # requests answered with a whole page (not 304)
        self.lock = threading.Lock()
        self.other_origin = ""  # /to-localhost redirects here (set once the ports are known)

    def add(self, path: str, body: bytes, ctype: str = "text/html") -> None:
        self.pages[path] = (200, ctype, body)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with site.lock:
                site.requests += 1
            path = urlsplit(self.path).path
            if path in REDIRECTS:
                status, where = REDIRECTS[path]
                return self._send(status, "text/plain", b"", {"Location": where})
            if path == "/to-localhost":
                return self._send(302, "text/plain", b"", {"Location": site.other_origin})
            if path == "/slow.html":
                time.sleep(SLOW)
                return self._send(200, "text/html", html("ช้า 2565", PAD))
            if path == "/big.html":
                head = html(f"ไฟล์ใหญ่ {YEAR}", f"<p>{PAD}</p>")
                return self._send(200, "text/html", head + b"<!-- x -->" * (BIG // 10))
            if path == "/_stats":  # for a benchmark that runs the site in another process
                return self._send(200, "text/plain", f"{site.full} {site.requests}".encode())
            if path == "/set-cookie":
                return self._send(
                    200, "text/html", html("cookie 2565", PAD), {"Set-Cookie": "sid=1; Path=/"}
                )
            if path == "/echo-cookie":
                said = self.headers.get("Cookie", "none")
                return self._send(200, "text/html", html(f"cookie {said} 2565", PAD))
            if path not in site.pages:
                return self._send(404, "text/html", html("ไม่พบ", "404"))
            status, ctype, body = site.pages[path]
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == tag:
                return self._send(304, ctype, b"", {"ETag": tag})
            if site.latency:
                time.sleep(site.latency)
            with site.lock:
                site.full += 1
            self._send(status, ctype, body, {"ETag": tag, "Last-Modified": MODIFIED})

        def _send(
            self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if status != 304:
                with contextlib.suppress(OSError):  # the checker stops reading at its cap
                    self.wfile.write(body)

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    tls: ssl.SSLContext | None = None

    def finish_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """The TLS handshake in the request's own thread, not in the one accepting."""
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (openssl); (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class LinkSite:
    """The site on 127.0.0.1: ``https`` (with ``ca``) and ``http`` base URLs."""

    def __init__(self, folder: Path | None = None, *, latency: float = 0.0) -> None:
        self.site = Site(latency)
        self.servers: list[Server] = []
        self.ca: Path | None = None
        self.https = ""
        if folder is not None:
            cert, key = make_certificate(folder)
            self.ca = cert
            tls = Server(("127.0.0.1", 0), _handler(self.site))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            tls.tls = context
            self.servers.append(tls)
            self.https = f"https://127.0.0.1:{tls.server_address[1]}"
        plain = Server(("127.0.0.1", 0), _handler(self.site))
        self.servers.append(plain)
        self.http = f"http://127.0.0.1:{plain.server_address[1]}"
        base = self.https or self.http
        self.site.other_origin = base.replace("127.0.0.1", "localhost") + "/ok.html"

    def start(self) -> LinkSite:
        for s in self.servers:
            threading.Thread(target=s.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()
