"""Reading a Segment request: its write key, its (possibly gzipped) body, its limits.

Segment's HTTP tracking API answers 400 for a body over its limits (500 KB a
batch, 32 KB a message or a single call) or one that is not JSON; each
refusal here carries Segment's error shape, `{"code": …, "message": …}`, which
Segment's libraries read (analytics-python raises APIError(status, code, message)).
"""

import base64
import binascii
import json
import zlib
from typing import Any

from django.http import HttpRequest

from ..auth import is_json

BATCH_LIMIT = 500 * 1024
MESSAGE_LIMIT = 32 * 1024
# Deeper than any analytics payload; deeper nesting is refused before it is walked.
MAX_DEPTH = 64


class Refusal(Exception):
    """A request refused as a whole, with its status and Segment's error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def write_key(request: HttpRequest) -> str:
    """The write key from `Authorization: Basic base64(<key>:)` (or a Bearer token); "" if none."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() != "basic":
        return ""
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return decoded.partition(":")[0]


def read_body(request: HttpRequest, *, limit: int) -> Any:
    """The JSON body, gunzipped if sent so, within `limit` bytes once inflated."""
    if not is_json(request.content_type or ""):
        raise Refusal(415, "invalid_request", "Send the body as application/json.")
    raw = request.read(limit + 1)
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw, limit)
    elif encoding not in ("", "identity"):
        raise Refusal(415, "invalid_request", f"Content-Encoding {encoding!r}: send gzip or none.")
    if len(raw) > limit:
        raise Refusal(400, "payload_too_large", f"The body is over {limit // 1024} KB.")
    try:
        body = json.loads(raw)
    except RecursionError:
        raise Refusal(400, "invalid_json", f"The body is nested deeper than {MAX_DEPTH}.") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise Refusal(400, "invalid_json", f"The body is not valid JSON: {error}.") from None
    if not isinstance(body, dict):
        raise Refusal(400, "invalid_request", "The body must be a JSON object.")
    if too_deep(body):
        raise Refusal(400, "invalid_json", f"The body is nested deeper than {MAX_DEPTH}.")
    return body


def _gunzip(compressed: bytes, limit: int) -> bytes:
    """Inflate at most `limit` + 1 bytes: a small bomb cannot fill memory."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(compressed, limit + 1)
    except zlib.error:
        raise Refusal(400, "invalid_request", "The body is not valid gzip.") from None
    return inflated


def too_deep(value: Any) -> bool:
    """Nested deeper than MAX_DEPTH (walked with its own stack, not Python's)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(current, dict):
            stack.extend((each, depth + 1) for each in current.values())
        elif isinstance(current, list):
            stack.extend((each, depth + 1) for each in current)
    return False


def message_size(message: Any) -> int:
    """A message's size as JSON, compactly written (what Segment's 32 KB counts)."""
    return len(json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode())
