"""A partner with every package app, an English/UTC configuration and a bare
base.html (only the blocks "title" and "content": no extra_head, extra_css
or extra_js). Runnable: tests/browser/test_bare_base_host.py serves it with
``python -m django runserver`` (DATABASE_URL, B52_HOST_MEDIA_ROOT)."""

from pathlib import Path

from tests.hosts.base_settings import full_host_settings

globals().update(full_host_settings("bare_base", Path(__file__).parent))
