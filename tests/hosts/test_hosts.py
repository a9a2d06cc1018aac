import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HOSTS = [
    "press_only",  # the core and the press app only, no base.html
    "no_press",  # the core and the cooperation app, no base.html
    "bare_base",  # every app, en-us/UTC, a base.html with only title and content
    "rich_theme",  # every app, en-us/UTC, a themed base.html, pages three levels deep
]


@pytest.mark.parametrize("host", HOSTS)
def test_host_migrates_and_renders(host):
    """Each host migrates (pytest-django builds its test database from the
    migrations) and serves the package's pages: it runs its own
    ``host_checks.py`` with its own settings in a subprocess."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--ds=tests.hosts.{host}.settings",
            f"tests/hosts/{host}/host_checks.py",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
