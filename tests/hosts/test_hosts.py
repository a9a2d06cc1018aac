import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("host", ["press_only", "no_press"])
def test_partial_host_migrates_and_renders(host):
    """A host with only some apps installed migrates (pytest-django builds its
    test database from the migrations) and serves the package's pages."""
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
