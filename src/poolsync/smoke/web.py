"""Plain HTTPS GETs the smoke test makes outside Cognito's API: the pool's JWKS and
OpenID discovery document, and the hosted UI's sign-in page. Redirects are not
followed (the caller reads them: a hosted UI that redirects to its /error page is a
failure); answers are bounded in time and size."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Final

from poolsync.errors import PoolsyncError

TIMEOUT: Final = 10.0  # seconds per request
MAX_BYTES: Final = 2**20  # a JWKS or a sign-in page is a few kilobytes


@dataclass(frozen=True)
class WebAnswer:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def location(self) -> str | None:
        """Where a redirect points, made absolute."""
        target = self.headers.get("location")
        return urllib.parse.urljoin(self.url, target) if target else None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str) -> WebAnswer:
    """GET ``url`` (http or https); any HTTP status is an answer, a network failure a
    PoolsyncError naming the URL."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PoolsyncError(f"not an http(s) URL: {url}")
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "poolsync-smoke"})
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            return WebAnswer(url, int(answer.status), _headers(answer.headers),
                             answer.read(MAX_BYTES))
    except urllib.error.HTTPError as exc:
        return WebAnswer(url, int(exc.code), _headers(exc.headers), exc.read(MAX_BYTES))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PoolsyncError(f"GET {url} failed: {reason}") from exc


def _headers(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers else [])}
