"""b52 against plain Wagtail, every page type, in one run.

    python -m benchmarks [--releases 2000] [--rounds 30] [--cold-rounds 10]
                         [--posts 15] [--export-rows 10000] [--no-export]

Builds two sites in a temporary folder, with the same Python, Django and
Wagtail (this interpreter), each with a fresh SQLite file, DEBUG off and the
database cache (what the production settings use without Redis):

- *b52*: the example site (example_site/) with ``migrate`` and ``b52_demo``,
  plus bulk-created press releases up to ``--releases``;
- *floor*: a plain ``wagtail start`` site: its home page, title-only pages
  below it (one per tree depth, so that each b52 page is compared with a
  plain page at the same depth: same routing steps), and a plain Wagtail
  form page (``AbstractEmailForm``, eight fields like the application form).

Each site runs in a worker process of its own (benchmarks/worker.py) that
times Django's test client in process. The harness interleaves the
measurements: b52 role, its floor page, next role, … round by round.

- warm: ``--rounds`` repeated requests, median;
- cold: an editor publishes a page (a press release that is not measured;
  on the floor a plain page), then the next request is timed; median of
  ``--cold-rounds``;
- POST: a valid application with a 1 MiB PDF against a plain Wagtail form
  POST carrying the same 1 MiB file (parsed, not stored: plain Wagtail forms
  have no file field);
- the export: benchmarks/export.py as a subprocess, if it prints a JSON
  object as its last line;
- peak RSS of each worker.

Prints a table and, as its last line, one JSON object with every ratio.
The targets (issue 15) are reported, not enforced: page types ≤ 1.5× the
floor warm, listings and form GET ≤ 2×, POST ≤ 6×, cold ≤ 3× warm.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# b52 role → (floor role, target ratio to the floor warm); None: the floor
# page at the same tree depth.
PAGE_ROLES = {
    "home": (None, 1.5),
    "press index, page 1": (None, 2.0),
    "press index, last page": (None, 2.0),
    "press release": (None, 1.5),
    "form": ("form", 2.0),
    "award call": (None, 1.5),
    "winner showcase": (None, 1.5),
    "cooperation field": (None, 1.5),
}
COLD_TARGET = 3.0
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
POST_TARGET = 6.0

# Both sites: SQLite with a write-ahead log and no fsync per commit, as the
# example site's settings (a page's first render after a change stores its
# fragments: with the default journal, each store waits for the disk).
SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"

B52_SETTINGS = """\
from example_site.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "benchmark-only"
ALLOWED_HOSTS = ["testserver"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r},
                          "OPTIONS": {{"init_command": {pragmas!r}}}}}}}
MEDIA_ROOT = {media!r}
STORAGES["b52_private"]["OPTIONS"]["location"] = {private!r}  # noqa: F405
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                       "LOCATION": "b52_cache"}}}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {{"default": {{"BACKEND": {tasks!r}}}}}
{extra_apps}
"""

FLOOR_SETTINGS = """\
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "benchmark-only"
ALLOWED_HOSTS = ["testserver"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r},
                          "OPTIONS": {{"init_command": {pragmas!r}}}}}}}
MEDIA_ROOT = {media!r}
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                       "LOCATION": "floor_cache"}}}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
"""

FLOOR_MODELS = """

from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    pass
"""

FLOOR_FORM_TEMPLATE = """{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block content %}
<h1>{{ page.title }}</h1>
<form action="{% pageurl page %}" method="POST" enctype="multipart/form-data">
    {% csrf_token %}
    {{ form.as_p }}
    <input type="submit">
</form>
{% endblock %}
"""

FLOOR_LANDING_TEMPLATE = """{% extends "base.html" %}
{% block content %}<h1>{{ page.title }}</h1><p>Danke.</p>{% endblock %}
"""


def task_backend():
    """The database backend a production site would use, if installed
    (django-tasks-db; django-tasks 0.12 has none of its own), else the
    immediate backend."""
    try:
        import django_tasks_db  # noqa: F401
    except ImportError:
        return IMMEDIATE, ""
    return (
        "django_tasks_db.DatabaseBackend",
        'INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]',
    )


def run(args, env, cwd=None):
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def environment(pythonpath, settings):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join(map(str, pythonpath))
    env["DJANGO_SETTINGS_MODULE"] = settings
    return env


def setup_b52(folder):
    folder.mkdir()
    tasks, extra_apps = task_backend()
    (folder / "b52_bench_settings.py").write_text(
        B52_SETTINGS.format(
            db=str(folder / "db.sqlite3"),
            media=str(folder / "media"),
            private=str(folder / "private"),
            tasks=tasks,
            extra_apps=extra_apps,
            pragmas=SQLITE_PRAGMAS,
        )
    )
    env = environment([folder, ROOT / "example_site", ROOT], "b52_bench_settings")
    manage = [PYTHON, str(ROOT / "example_site" / "manage.py")]
    for command in (["migrate", "--no-input"], ["createcachetable"], ["b52_demo"], ["demo_home"]):
        run([*manage, *command], env)
    return env


def setup_floor(folder):
    folder.mkdir()
    wagtail = Path(PYTHON).with_name("wagtail")
    run([str(wagtail), "start", "floor", str(folder)], dict(os.environ))
    with (folder / "home" / "models.py").open("a") as models:
        models.write(FLOOR_MODELS)
    templates = folder / "home" / "templates" / "home"
    (templates / "form_page.html").write_text(FLOOR_FORM_TEMPLATE)
    (templates / "form_page_landing.html").write_text(FLOOR_LANDING_TEMPLATE)
    (folder / "floor" / "settings" / "bench.py").write_text(
        FLOOR_SETTINGS.format(
            db=str(folder / "db.sqlite3"), media=str(folder / "media"), pragmas=SQLITE_PRAGMAS
        )
    )
    env = environment([folder, ROOT], "floor.settings.bench")
    manage = [PYTHON, str(folder / "manage.py")]
    for command in (["makemigrations", "home"], ["migrate", "--no-input"], ["createcachetable"]):
        run([*manage, *command], env, cwd=folder)
    return env


class Worker:
    def __init__(self, name, env, cwd):
        self.name = name
        self.process = subprocess.Popen(
            [PYTHON, str(ROOT / "benchmarks" / "worker.py"), name],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, cmd, **arguments):
        self.process.stdin.write(json.dumps({"cmd": cmd, **arguments}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"the {self.name} worker ended (see its traceback above)")
        return json.loads(line)

    def close(self):
        self.process.stdin.write('{"cmd": "quit"}\n')
        self.process.stdin.close()
        self.process.wait(timeout=30)


def interleaved(pairs, rounds, cold=False):
    """Median seconds of every (worker, role) in ``pairs``, measured round by
    round in the order given."""
    timings = {key: [] for key in pairs}
    for _ in range(rounds):
        for worker, role in pairs:
            if role == "post":
                timings[(worker, role)].append(worker("post")["s"])
            else:
                timings[(worker, role)].append(worker("get", role=role, cold=cold)["s"])
    return {key: statistics.median(values) for key, values in timings.items()}


def export_figures(rows):
    script = ROOT / "benchmarks" / "export.py"
    if not script.exists():
        return None, "benchmarks/export.py does not exist"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [PYTHON, str(script), "--rows", str(rows)], env=env, capture_output=True, text=True
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode or not lines:
        return None, f"benchmarks/export.py failed ({result.returncode}): {result.stderr[-500:]}"
    try:
        figures = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None, "benchmarks/export.py prints no JSON object as its last line"
    if not isinstance(figures, dict):
        return None, "benchmarks/export.py prints no JSON object as its last line"
    return figures, "\n".join(lines[:-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30, help="warm requests per role")
    parser.add_argument("--cold-rounds", type=int, default=10, help="cold requests per role")
    parser.add_argument("--posts", type=int, default=15, help="POSTs per site")
    parser.add_argument("--export-rows", type=int, default=10_000)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    import django
    import wagtail

    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="b52-bench-"))
    try:
        b52_env = setup_b52(folder / "b52")
        floor_env = setup_floor(folder / "floor")
        print(f"built both sites in {time.perf_counter() - started:.0f} s ({folder})")
        b52 = Worker("b52", b52_env, folder / "b52")
        floor = Worker("floor", floor_env, folder / "floor")
        built = b52("build", releases=args.releases)
        floor("build", releases=0)
        depth = {
            role: url.split("?")[0].strip("/").count("/") + 1
            for role, url in built["roles"].items()
        }
        depth["home"] = 0
        floor_role = {}
        for role, (fallback, _target) in PAGE_ROLES.items():
            if fallback is None:
                floor_role[role] = f"depth {min(depth[role], 3)}"
            else:
                floor_role[role] = fallback
        pairs = []
        for role in PAGE_ROLES:
            pairs += [(b52, role), (floor, floor_role[role])]
        # First requests: renditions, template loading, caches.
        for worker, role in pairs:
            for _ in range(3):
                worker("get", role=role)
        queries = {key: key[0]("queries", role=key[1])["queries"] for key in pairs}

        warm = interleaved(pairs, args.rounds)
        cold = interleaved(pairs, args.cold_rounds, cold=True)
        post_pairs = [(b52, "post"), (floor, "post")]
        post_queries = {key: key[0]("queries", role="post")["queries"] for key in post_pairs}
        post = interleaved(post_pairs, args.posts)
        immediate = []
        if built["tasks"] != IMMEDIATE:
            # What the same POST costs when the mails are sent in the request.
            for _ in range(args.posts):
                immediate.append(b52("post", tasks="immediate")["s"])
                floor("post")  # the same rhythm as above
        checks = b52("checks", posts=args.posts)["ms"]
        memory = {w.name: w("memory")["peak_rss_mib"] for w in (b52, floor)}
        b52.close()
        floor.close()
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    export, export_note = (None, "left out (--no-export)")
    if not args.no_export:
        export, export_note = export_figures(args.export_rows)

    print(
        f"\nPython {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, SQLite files, DEBUG off, "
        f"cache {built['cache'].rsplit('.', 1)[-1]}, {os.cpu_count()} CPUs ({platform.machine()})"
    )
    print(
        f"{built['releases']:,} press releases ({built['page_size']} per page); "
        f"warm: median of {args.rounds}, cold: median of {args.cold_rounds} "
        f"(an editor publishes a page, then the next request), POST: median of {args.posts}"
    )
    print(f"task backend (b52): {built['tasks']}")
    print(
        f"\n{'role':24} {'floor page':>10} {'b52 warm':>9} {'floor':>7} {'ratio':>6} "
        f"{'target':>6} {'b52 cold':>9} {'floor':>7} {'ratio':>6} {'cold/warm':>9} "
        f"{'queries':>9}"
    )
    ratios = {}
    misses = []
    for role, (_fallback, target) in PAGE_ROLES.items():
        other = floor_role[role]
        b52_warm, floor_warm = warm[(b52, role)], warm[(floor, other)]
        b52_cold, floor_cold = cold[(b52, role)], cold[(floor, other)]
        ratio, cold_ratio, cold_warm = (
            b52_warm / floor_warm,
            b52_cold / floor_cold,
            b52_cold / b52_warm,
        )
        ratios[role] = round(ratio, 2)
        ratios[f"{role} cold"] = round(cold_ratio, 2)
        ratios[f"{role} cold/warm"] = round(cold_warm, 2)
        if ratio > target:
            misses.append(f"{role} warm {ratio:.2f}× > {target}×")
        if cold_warm > COLD_TARGET:
            misses.append(f"{role} cold/warm {cold_warm:.2f}× > {COLD_TARGET}×")
        print(
            f"{role:24} {other:>10} {b52_warm * 1000:6.1f} ms {floor_warm * 1000:4.1f} ms "
            f"{ratio:5.2f}× {target:5.1f}× {b52_cold * 1000:6.1f} ms {floor_cold * 1000:4.1f} ms "
            f"{cold_ratio:5.2f}× {cold_warm:8.2f}× "
            f"{queries[(b52, role)]:>4}/{queries[(floor, other)]:<4}"
        )
    b52_post, floor_post = post[(b52, "post")], post[(floor, "post")]
    ratios["post"] = round(b52_post / floor_post, 2)
    if ratios["post"] > POST_TARGET:
        misses.append(f"POST {ratios['post']:.2f}× > {POST_TARGET}×")
    print(
        f"{'POST, 1 MiB PDF':24} {'form':>10} {b52_post * 1000:6.1f} ms "
        f"{floor_post * 1000:4.1f} ms {ratios['post']:5.2f}× {POST_TARGET:5.1f}× "
        f"{'':>9} {'':>7} {'':>6} {'':>9} "
        f"{post_queries[(b52, 'post')]:>4}/{post_queries[(floor, 'post')]:<4}"
    )
    if immediate:
        b52_immediate = statistics.median(immediate)
        ratios["post, immediate task backend"] = round(b52_immediate / floor_post, 2)
        print(
            f"{'  mails sent in request':24} {'form':>10} {b52_immediate * 1000:6.1f} ms "
            f"{floor_post * 1000:4.1f} ms {ratios['post, immediate task backend']:5.2f}× "
            "(immediate task backend, for comparison)"
        )
    print(f"\nwhere a valid POST spends its time (ms per POST under cProfile, {args.posts} POSTs):")
    for label, ms in checks.items():
        print(f"  {label:40} {ms:8.2f}")
        ratios[f"post ms: {label.strip()}"] = ms
    ratios["peak rss"] = round(memory["b52"] / memory["floor"], 2)
    print(
        f"\npeak RSS of the worker: b52 {memory['b52']:.0f} MiB, floor {memory['floor']:.0f} MiB "
        f"({ratios['peak rss']:.2f}×)"
    )
    print("queries: b52/floor, one request each, after the warm-up")
    if export is None:
        print(f"export: {export_note}")
    else:
        print(f"export (benchmarks/export.py --rows {args.export_rows}):\n{export_note}")
        for key, value in export.items():
            if isinstance(value, (int, float)):
                ratios[f"export {key}"] = value
    print("targets missed: " + ("; ".join(misses) if misses else "none"))
    print(f"total {time.perf_counter() - started:.0f} s")
    print(json.dumps(ratios, ensure_ascii=False))


if __name__ == "__main__":
    main()
