"""The link in a survey e-mail: a signed, expiring token naming the contact and the send.

It is the customer-form link of notifications.links (salt "survey"), whose nonce
is the send's: one link, one send, one response.
"""

from django.urls import reverse

from notifications.links import make_token
from notifications.templating import absolute_url

from .models import QuestionKind, SurveySend


def survey_url(send: SurveySend) -> str:
    """Where the contact answers this send."""
    token = make_token("survey", send.contact, nonce=send.nonce)
    return absolute_url(reverse("survey_answers:respond", args=[token]))


def survey_links(send: SurveySend) -> dict[str, str]:
    """`survey` (also as `feedback`, for templates written for the feedback form) and, when
    the first question is a scale, `<kind>_<n>`: the page with that answer chosen.

    A chosen answer only fills the form; nothing is recorded until the contact
    presses Send (mail scanners open every link of a message).
    """
    url = survey_url(send)
    links = {"survey": url, "feedback": url}
    first = send.version.questions.order_by("position").first()
    if first is not None and first.scale is not None:
        low, high, *_ = first.scale
        prefix = "nps" if first.kind == QuestionKind.NPS else first.kind
        for n in range(low, high + 1):
            links[f"{prefix}_{n}"] = f"{url}?{first.key}={n}"
    return links
