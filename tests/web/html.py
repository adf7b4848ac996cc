"""Tests of the staff pages, one module per page; `text_of` reads an element by its data-testid."""

from html.parser import HTMLParser

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _TestIdReader(HTMLParser):
    """Collects every data-testid in order, and the text inside the one asked for."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid = testid
        self.testids: list[str] = []
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        testid = dict(attrs).get("data-testid")
        if testid:
            self.testids.append(testid)
        if tag in VOID_TAGS:
            self.found = self.found or testid == self.testid
            return
        if self.depth:
            self.depth += 1
        elif testid == self.testid and not self.found:
            self.found, self.depth = True, 1

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def _read(response, testid: str = "") -> _TestIdReader:
    reader = _TestIdReader(testid)
    reader.feed(response.content.decode())
    return reader


def text_of(response, testid: str) -> str | None:
    """The whitespace-normalised text of the element with this data-testid, or None."""
    reader = _read(response, testid)
    return " ".join("".join(reader.parts).split()) if reader.found else None


def find_testids(response, prefix: str) -> list[str]:
    """Every data-testid starting with `prefix`, in page order."""
    return [t for t in _read(response).testids if t.startswith(prefix)]


def timeline_of(client, account, **params) -> str:
    """The account's timeline items as the account page's placeholder fetches them (htmx)."""
    from django.urls import reverse

    url = reverse("accounts:timeline", args=[account.pk])
    response = client.get(url, params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()
