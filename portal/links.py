"""What a customer form's link means: the keys that make a submission count once.

The link itself (a signed, expiring token naming the contact and a nonce) is
made where messages are written, in notifications.links. One feedback link is
one answer (a second one is the same answer, or a change the customer
confirms), and one request link opens one task per request it is sent, however
often (a double click, Back and Send again): the task's key is the link and
what the request says.
"""

import hashlib
import unicodedata

from notifications.links import LinkPayload


def feedback_key(link: LinkPayload) -> str:
    """The submission key of the one answer a feedback link holds."""
    return f"portal:{link.nonce}"


def request_key_prefix(link: LinkPayload) -> str:
    """What every request key sent through this link starts with."""
    return f"portal:{link.nonce}:"


def request_key(link: LinkPayload, *, title: str, details: str) -> str:
    """The key of a request on this link: the same words, however spaced or cased, are one.

    The urgency is left out: sending the same request again as more urgent is
    still the same request, not a second task.
    """
    content = "\n".join(
        " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        for text in (title, details)
    )
    return request_key_prefix(link) + hashlib.sha256(content.encode()).hexdigest()[:40]
