"""Uploads to a store (`govkg push`): one HTTP request per body, the body sent once, HTTP Basic or Digest answered
from a bodiless probe first.

urllib sends a body before it knows the store wants credentials and only then answers the challenge: Virtuoso
resets the connection on an unauthenticated body over ~1 MB, and the body travels twice. Here a HEAD of the same
URL gets the challenge (a store that asks for none is sent the body at once), then the body goes with its
Authorization header (RFC 7617 Basic, RFC 7616 Digest with qop=auth, MD5 or SHA-256).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from govkg import __version__
from govkg.engine.errors import EngineError
from govkg.engine.remote_http import CLASSES, REASONS, store_url

__all__ = ["PushError", "Uploader"]

HASHES: dict[str, Callable[[bytes], Any]] = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
REFUSALS = {
    401: "the store refused the login for {url} (HTTP 401): check --user and GOVKG_PUSH_PASSWORD",
    403: "the store refused the upload to {url} (HTTP 403): the user may not write there",
}
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


class PushError(EngineError):
    """A push that failed: the store refused it, is down, or does not hold what was sent; one line."""


class Uploader:
    """Sends bodies to a store as one user (or none), each over its own connection."""

    def __init__(self, credentials: tuple[str, str] | None, timeout: float) -> None:
        self.credentials, self.timeout = credentials, timeout

    def send(self, method: str, url: str, data: bytes = b"", media: str | None = None) -> int:
        """One request (the body sent once, with credentials if the store asks for them); its status, which is
        2xx, or 404 for a DELETE of a graph the store does not hold; PushError otherwise."""
        headers = {"User-Agent": f"govkg/{__version__}", **({"Content-Type": media} if media else {})}
        if self.credentials is not None:
            status, challenges = self._request("HEAD", url, None, headers)
            if status == 401:
                headers["Authorization"] = authorization(challenges, self.credentials, method, url)
        status, _ = self._request(method, url, data, headers)
        if 200 <= status < 300 or (method == "DELETE" and status == 404):
            return status
        raise PushError(refusal(status, url))

    def _request(self, method: str, url: str, data: bytes | None, headers: dict[str, str]) -> tuple[int, list[str]]:
        """The status and the challenges (WWW-Authenticate) of one request, its answer read and the connection
        closed; PushError when the store cannot be reached."""
        parts = urlsplit(store_url(url))
        conn = CLASSES[parts.scheme](str(parts.hostname), parts.port, timeout=self.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(method, target, data, headers)
            response = conn.getresponse()
            response.read()
            return response.status, response.msg.get_all("WWW-Authenticate") or []
        except ConnectionRefusedError:
            raise PushError(f"the store at {url} cannot be reached (connection refused)") from None
        except (OSError, http.client.HTTPException) as error:
            raise PushError(f"the upload to {url} failed ({REASONS.get(type(error), 'network error')})") from None
        finally:
            conn.close()


def authorization(challenges: list[str], credentials: tuple[str, str], method: str, url: str) -> str:
    """The Authorization header answering the store's Digest challenge (preferred) or Basic one."""
    for challenge in challenges:
        scheme, _, rest = challenge.strip().partition(" ")
        if scheme.lower() == "digest":
            return digest(dict((k.lower(), a or b) for k, a, b in _PARAM.findall(rest)), credentials, method, url)
    if any(c.strip().lower().startswith("basic") for c in challenges):
        return "Basic " + base64.b64encode(":".join(credentials).encode()).decode("ascii")
    raise PushError(f"the store at {url} asks for a login this client cannot give (HTTP 401 without Basic or Digest)")


def digest(challenge: dict[str, str], credentials: tuple[str, str], method: str, url: str) -> str:
    """An RFC 7616 Digest answer to one challenge (qop=auth when offered, as RFC 2069 otherwise)."""
    algorithm = challenge.get("algorithm", "MD5").upper()
    if algorithm not in HASHES or "nonce" not in challenge:
        raise PushError(f"the store at {url} asks for Digest {algorithm}, which this client does not speak")
    parts = urlsplit(url)
    uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def hashed(*fields: str) -> str:
        return HASHES[algorithm](":".join(fields).encode("utf-8")).hexdigest()

    user, password = credentials
    realm, nonce = challenge.get("realm", ""), challenge["nonce"]
    first, second = hashed(user, realm, password), hashed(method, uri)
    said = {"username": user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    if "auth" in challenge.get("qop", "").replace(" ", "").split(","):
        cnonce = secrets.token_hex(8)
        said |= {"qop": "auth", "nc": "00000001", "cnonce": cnonce}
        said["response"] = hashed(first, nonce, "00000001", cnonce, "auth", second)
    else:
        said["response"] = hashed(first, nonce, second)
    if "opaque" in challenge:
        said["opaque"] = challenge["opaque"]
    unquoted = {"algorithm", "qop", "nc"}
    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in said.items())


def refusal(status: int, url: str) -> str:
    """What a refused upload says."""
    return REFUSALS.get(status, "the store refused the upload to {url} (HTTP {status})").format(url=url, status=status)
