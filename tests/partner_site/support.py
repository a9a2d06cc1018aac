"""Small stdlib helpers for run.py: HTTP with urllib, an HTML reader,
a hand-built multipart body and a tiny valid PDF."""

import http.cookiejar
import re
import urllib.error
import urllib.request
import uuid
from html.parser import HTMLParser

HTTP_TIMEOUT = 60


class Client:
    """An anonymous visitor: urllib with its own cookie jar, no redirects
    followed silently (a redirect is an answer to check, not to hide)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )

    def request(self, path, *, data=None, headers=None):
        """(status, headers, body as text) of ``path``; never raises on 4xx/5xx."""
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")


class Page(HTMLParser):
    """What the checks need from an HTML page: visible text (plus the texts
    of aria-label/title/alt/placeholder/value), the lang of <html> and of
    the package container (the first element with class ``b52``),
    ``<time datetime>`` elements, and the inputs and selects of the form
    with class ``b52-application__form``."""

    TEXT_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.texts, self.times = [], []
        self.html_lang = self.container_lang = None
        self.form_action, self.inputs, self.selects = None, [], {}
        self._skip = self._in_form = 0
        self._time = self._select = self._option = None
        self.feed(html)
        self.text = " ".join(" ".join(self.texts).split())

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        classes = attrs.get("class", "").split()
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "b52" in classes and self.container_lang is None:
            self.container_lang = attrs.get("lang", "")
        self.texts += [attrs[name] for name in self.TEXT_ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag == "time":
            self._time = [attrs.get("datetime", ""), ""]
        if tag == "form" and "b52-application__form" in classes:
            self.form_action, self._in_form = attrs.get("action", ""), 1
        elif self._in_form and tag == "input":
            self.inputs.append(attrs)
        elif self._in_form and tag == "select":
            self._select = self.selects.setdefault(attrs.get("name", ""), [])
        elif self._select is not None and tag == "option":
            self._option = [attrs.get("value", ""), "", "disabled" in attrs]
            self._select.append(self._option)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        elif tag == "time" and self._time:
            self.times.append((self._time[0], " ".join(self._time[1].split())))
            self._time = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "form":
            self._in_form = 0

    def handle_data(self, data):
        if self._skip:
            return
        self.texts.append(data)
        if self._time:
            self._time[1] += data
        if self._option:
            self._option[1] += data


def words_found(text, phrases):
    """The phrases that occur in ``text`` as whole words (case-sensitive)."""
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


def multipart(fields, files):
    """(body, content type) of a multipart/form-data request.
    ``fields``: [(name, value)], ``files``: [(name, filename, type, bytes)]."""
    boundary = f"----b52partner{uuid.uuid4().hex}"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, filename, content_type, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def tiny_pdf(text):
    """A small, valid one-page PDF (Helvetica) showing ``text`` (ASCII)."""
    stream = f"BT /F1 12 Tf 56 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out
