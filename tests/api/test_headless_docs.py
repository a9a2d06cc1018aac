"""The examples of docs/headless.md are replayed against the test client, so
that the documentation cannot drift from the API."""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.applications.utils import make_call, make_form_page, pdf

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "headless.md"
FENCE = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)


def code_blocks(language):
    return [body for lang, body in FENCE.findall(DOC.read_text()) if lang == language]


def commands(block):
    """Shell lines of a block, backslash continuations joined, comments and
    blank lines dropped."""
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def jq(data, program):
    """The two kinds of jq programs the doc uses: a path (``.a.b``) and
    ``.fields[] | {…}``."""
    if program.startswith(".fields[] |"):
        keys = re.findall(r"\w+", program.split("|", 1)[1])
        return [{key: field[key] for key in keys} for field in data["fields"]]
    for key in program.strip(".").split("."):
        data = data.get(key) if isinstance(data, dict) else None  # jq: null
    return data


class Shell:
    """Just enough of sh + curl + jq to run the doc's example."""

    def __init__(self, client, substitute, substitute_value):
        self.client = client
        self.substitute = substitute
        self.substitute_value = substitute_value
        self.variables = {}
        self.outputs = []
        self.responses = []

    def expand(self, text):
        return re.sub(r"\$\{?(\w+)\}?", lambda match: self.variables[match.group(1)], text)

    def run(self, line):
        assignment = re.fullmatch(r"(\w+)=\$\((.*)\)", line)
        if assignment:
            self.variables[assignment.group(1)] = str(self.pipeline(assignment.group(2)))
            return
        assignment = re.fullmatch(r"(\w+)=(\S+)", line)
        if assignment:
            self.variables[assignment.group(1)] = self.expand(assignment.group(2))
            return
        self.outputs.append(self.pipeline(line))

    def pipeline(self, line):
        curl, _, program = line.partition("| jq")
        response = self.curl(shlex.split(self.expand(curl)))
        data = response.json()
        if not program:
            return data
        arguments = shlex.split(program)
        raw = arguments[0] == "-r"
        result = jq(data, arguments[-1])
        return result if raw else json.dumps(result)

    def curl(self, arguments):
        assert arguments[0] == "curl"
        url, headers, fields, files = None, {}, {}, {}
        words = iter(arguments[1:])
        for word in words:
            if word in ("-s", "-sS"):
                continue
            if word == "-H":
                name, value = next(words).split(":", 1)
                headers["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
            elif word == "-F":
                name, _, value = next(words).partition("=")
                if value.startswith("@"):
                    filename, _, content_type = value[1:].partition(";type=")
                    assert content_type == "application/pdf"
                    files.setdefault(name, []).append(pdf(filename))
                else:
                    fields[name] = value
            elif word.startswith("-"):
                raise AssertionError(f"the doc uses a curl option the test does not know: {word}")
            else:
                url = word
        parts = urlsplit(url)
        path = self.substitute(parts.path)
        extra = {"HTTP_HOST": parts.netloc, "secure": parts.scheme == "https", **headers}
        if fields or files:
            fields = {name: self.substitute_value(name, value) for name, value in fields.items()}
            response = self.client.post(path, {**fields, **files}, **extra)
        else:
            response = self.client.get(path, **extra)
        self.responses.append(response)
        return response


def test_the_curl_example_gets_the_form_and_submits_it_with_a_file(
    client, home, district, settings
):
    settings.B52_APPLICATION_MIN_SECONDS = 0
    page = make_form_page(make_call(home), extra_fields=False)
    (block,) = [block for block in code_blocks("sh") if "curl" in block]

    def substitute(path):
        return re.sub(r"/forms/\d+/", f"/forms/{page.pk}/", path)

    def substitute_value(name, value):
        # The doc's district id is an example; use a real one.
        return str(district.pk) if name == "district" and value.isdigit() else value

    shell = Shell(client, substitute, substitute_value)
    for line in commands(block):
        shell.run(line)

    described, token_get, posted = shell.responses
    assert described.status_code == token_get.status_code == 200
    listed = json.loads(shell.outputs[0])
    assert [field["name"] for field in listed][:2] == ["applicant_type", "applicant_name"]
    # Every field the example sends is a field of the form (or the token and
    # the honeypot), and every required field is sent.
    form = described.json()
    sent = set(posted.wsgi_request.POST) | set(posted.wsgi_request.FILES)
    names = {field["name"] for field in form["fields"]}
    assert sent <= names | {"b52_token", form["honeypot_field"]["name"]}
    assert {field["name"] for field in form["fields"] if field["required"]} <= sent
    assert posted.status_code == 201, posted.content
    receipt = shell.outputs[-1]
    assert re.fullmatch(r"B52-\d{4}-\d{4}", receipt)
    from b52_wagtail.applications.models import ApplicationSubmission

    submission = ApplicationSubmission.objects.get()
    assert submission.receipt_number == receipt
    assert submission.applicant_name == "Gemeinde Musterstadt"
    assert submission.attachments.count() == 1


def test_the_curl_example_without_origin_would_be_refused(client, home, district):
    """The doc says the Origin header is needed: without it, the same POST is
    refused."""
    page = make_form_page(make_call(home), extra_fields=False)
    (block,) = [block for block in code_blocks("sh") if "curl" in block]
    block = block.replace('-H "Origin: https://b52.example"', "")
    shell = Shell(
        Client(),
        lambda path: re.sub(r"/forms/\d+/", f"/forms/{page.pk}/", path),
        lambda name, value: str(district.pk) if name == "district" else value,
    )
    for line in commands(block):
        shell.run(line)
    assert shell.responses[-1].status_code == 403
    assert shell.outputs[-1] is None
    assert shell.responses[-1].json()["stored"] is False


def test_the_api_v2_examples_are_valid_requests(client, home):
    call = make_call(home)
    requests = [
        line.split()[1]
        for block in code_blocks("")
        for line in block.splitlines()
        if line.startswith("GET /b52/api/v2/")
    ]
    assert len(requests) >= 4
    for request in requests:
        path = request.replace("<id>", str(call.pk))
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
