"""Request guards that run before any route (WEB.md "Security"), as plain ASGI middleware:

- response headers on every answer (CSP without inline scripts, nosniff, referrer policy,
  frame-ancestors, no-store for pages);
- the cross-site refusal: an unsafe method whose Origin (else Referer) is not the app's own
  origin, or whose Sec-Fetch-Site is cross-site, gets 403 before the body is read;
- the body limit: 413 when Content-Length says too much, or when the body grows past the
  limit while it is read (a chunked upload cannot slip by), before it is read whole.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds the security headers to every response; pages (not static files) are no-store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in present)
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def own_origin(scope: Scope) -> str:
    """The origin the browser used to reach the app: scheme and Host header."""
    host = _header(scope, b"host") or ""
    return f"{scope.get('scheme', 'http')}://{host}".lower()


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site(scope: Scope) -> bool:
    """Whether an unsafe request comes from elsewhere (or cannot show where it comes from)."""
    if _header(scope, b"sec-fetch-site") == "cross-site":
        return True
    origin = _header(scope, b"origin")
    if origin is None or origin == "null":
        referer = _header(scope, b"referer")
        if referer is None:
            # A browser sends Origin on every unsafe request; a request with neither header is
            # not a browser's form post. Refuse: it costs scripts one header, and shuts the door.
            return True
        origin = _origin_of(referer)
    return origin.lower() != own_origin(scope)


class CrossSiteGuard:
    """403 for a POST/PUT/PATCH/DELETE from another origin, before any work."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS and cross_site(scope):
            await _plain(send, 403, "Yêu cầu bị từ chối: gửi từ một trang khác (cross-site).")
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """413 beyond `limit_for(path)` bytes: at once from Content-Length, else while reading."""

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _plain(send, 413, "Nội dung gửi lên quá lớn.")
            return
        seen = 0
        started = False
        refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not refused:
                    refused = True
                    if not started:
                        await _plain(send, 413, "Nội dung gửi lên quá lớn.")
                    # The app sees the client gone (FastAPI would turn an exception raised here
                    # into a 400); the rest of the body is never read.
                    return {"type": "http.disconnect"}
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app answers is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, tracking)


def limits(max_form_bytes: int, overrides: dict[str, int] | None = None) -> Callable[[str], int]:
    """The body limit of a path: an override by path prefix (uploads), else the form limit."""
    table = sorted((overrides or {}).items(), key=lambda kv: -len(kv[0]))

    def limit_for(path: str) -> int:
        for prefix, value in table:
            if path.startswith(prefix):
                return value
        return max_form_bytes

    return limit_for
