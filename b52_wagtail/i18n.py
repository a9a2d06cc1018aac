"""Catalogue maintenance: ``python -m b52_wagtail.i18n update [APP]|check``.

``update press`` only touches the press app's catalogues (``core`` the core's).

Every app keeps its own ``locale/`` (as Wagtail's contrib apps do), so a
host that installs only some apps loads only their catalogues. ``check``
fails when ``makemessages`` would change a catalogue, a German string is
missing, or a compiled ``.mo`` file is out of date.
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SUB_APPS = ("cooperation", "press", "awards", "applications", "api")
LANGUAGES = ("de", "en")


def app_dirs():
    """(directory, ignore patterns) of every app that has a locale folder."""
    yield PACKAGE, [f"{name}/*" for name in SUB_APPS]
    for name in SUB_APPS:
        yield PACKAGE / name, []


def _run(command, directory):
    # makemessages and compilemessages need no project settings.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(command, cwd=directory, env=env, check=True, stdout=subprocess.DEVNULL)


def makemessages(directory, ignore):
    command = [
        sys.executable,
        "-m",
        "django",
        "makemessages",
        "--no-obsolete",
        "--add-location=never",
    ]
    for language in LANGUAGES:
        command += ["-l", language]
    for pattern in ignore:
        command += ["-i", pattern]
    _run(command, directory)


def compilemessages(directory):
    _run([sys.executable, "-m", "django", "compilemessages"], directory)


def entries(po_path):
    """{(msgctxt, msgid): msgstr} of a .po file; plural forms give msgstr[0]."""
    result, current, field = {}, {}, None

    def flush():
        if current.get("msgid"):
            key = (current.get("msgctxt"), current["msgid"], current.get("msgid_plural"))
            result[key] = current.get("msgstr", current.get("msgstr[0]", ""))

    for line in po_path.read_text(encoding="utf-8").splitlines():
        if (
            line.startswith(("msgctxt ", "msgid "))
            and "msgid" in current
            and (field or "").startswith("msgstr")
        ):
            flush()
            current = {}
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
            field, _, rest = line.partition(" ")
            current[field] = _unquote(rest)
        elif line.startswith('"') and field:
            current[field] += _unquote(line)
        elif line.startswith("#~"):
            field = None
    flush()
    return result


def _unquote(text):
    text = text.strip()
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def check():
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "b52_wagtail"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
        for directory, ignore in app_dirs():
            relative = directory.relative_to(PACKAGE)
            makemessages(copy / relative, ignore)
            for language in LANGUAGES:
                po = Path("locale", language, "LC_MESSAGES", "django.po")
                committed = entries(directory / po)
                if set(committed) != set(entries(copy / relative / po)):
                    problems.append(f"{relative / po}: out of date, run `make messages`")
                if language == "de":
                    problems += [
                        f"{relative / po}: no German for {key[1]!r}"
                        for key, msgstr in committed.items()
                        if not msgstr
                    ]
            compilemessages(copy / relative)
            for language in LANGUAGES:
                mo = Path("locale", language, "LC_MESSAGES", "django.mo")
                if not (directory / mo).exists() or not filecmp.cmp(
                    directory / mo, copy / relative / mo, shallow=False
                ):
                    problems.append(
                        f"{relative / mo}: not compiled from the .po, run `make messages`"
                    )
    return problems


HEADER = """# Catalogue of b52-wagtail ({app}), language “{language}”.
# This file is distributed under the same license as the b52-wagtail package.
#
"""


def fix_header(po_path, app, language):
    """Replace makemessages' fuzzy template header with a real one, so that
    msgfmt keeps the charset and the language."""
    text = po_path.read_text(encoding="utf-8")
    body = text[text.index('msgid ""') :]
    body = body.replace('"Language: \\n"', f'"Language: {language}\\n"', 1)
    body = body.replace("PACKAGE VERSION", "b52-wagtail", 1)
    po_path.write_text(HEADER.format(app=app, language=language) + body, encoding="utf-8")


def update(only=None):
    for directory, ignore in app_dirs():
        if only and directory.name != only and not (only == "core" and directory == PACKAGE):
            continue
        makemessages(directory, ignore)
        for language in LANGUAGES:
            fix_header(
                directory / "locale" / language / "LC_MESSAGES" / "django.po",
                directory.name,
                language,
            )
        compilemessages(directory)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    if action == "update":
        update(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        found = check()
        print("\n".join(found) or "catalogues are up to date")
        sys.exit(1 if found else 0)
