"""Local services of the production stack — Debian's ``redis-server`` and
moto's S3 server — started for tests/stack and benchmarks/load_applications.py."""

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class ServiceError(RuntimeError):
    """A service did not come up."""


def executable(name):
    """``name`` beside this Python (the venv's moto_server), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def listening(port, host="127.0.0.1"):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def start_service(name, command, port, timeout=30, env=None):
    """Start ``command`` unless ``port`` is taken already (then whatever
    listens there is used); wait until it listens. Returns the process, or
    None when it was running already. Its output goes to a log file."""
    if listening(port):
        return None
    log = tempfile.NamedTemporaryFile(prefix=f"b52-{name}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
    )
    process.log_path = log.name
    deadline = time.monotonic() + timeout
    while not listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = Path(log.name).read_text(errors="replace")[-2000:]
            raise ServiceError(f"{name} did not start on port {port}:\n{output}")
        time.sleep(0.1)
    return process


def stop_service(process):
    """Stop a service started here, and remove its log."""
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        Path(process.log_path).unlink(missing_ok=True)


def redis_command(port):
    """A throw-away Redis: loopback only, nothing written to disk."""
    return [
        executable("redis-server"),
        *("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
    ]


def moto_command(port):
    return [executable("moto_server"), "-H", "127.0.0.1", "-p", str(port)]


def create_private_bucket(client, name, region):
    """The bucket as docs/operations.md asks for it: public access blocked."""
    existing = {entry["Name"] for entry in client.list_buckets().get("Buckets", [])}
    if name not in existing:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    client.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def bucket_keys(client, name):
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=name)
    return sorted(entry["Key"] for page in pages for entry in page.get("Contents", []))
