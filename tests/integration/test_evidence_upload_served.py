"""A photo upload through gunicorn, as production serves it: a body sent
chunked (no Content-Length) is read to its end and stored, one over 5 MB is
refused with 413 without reading on, and a 3.5 MB photo passes although it
is over Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE."""

import http.client
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image
from rest_framework.authtoken.models import Token

from bootcamp.models import MAX_EVIDENCE_BYTES, Evidence
from tests.bootcamp.photos import EvidenceCamp, image_bytes

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn():
    """gunicorn on the test database (PostgreSQL: a server process shares it)."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    database = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "installer_ops.wsgi"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):  # noqa: S310 - loopback
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {process.stderr.read()[-2000:] if process.poll() else ''}")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def put(port: int, photo_id, headers: dict, body: bytes, chunked: bool):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("PUT", f"/api/v1/evidence/{photo_id}")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(len(body)))
        conn.endheaders()
        try:
            if chunked:
                for start in range(0, len(body), 64 * 1024):
                    piece = body[start : start + 64 * 1024]
                    conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            else:
                conn.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before the end of the body (413)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_chunked_and_large_uploads_through_gunicorn(gunicorn):
    camp = EvidenceCamp()
    event_id = camp.event(camp.enrollment, camp.signed_item)
    key = Token.objects.create(user=camp.installer.user).key
    headers = {"Authorization": f"Token {key}", "X-Event-Id": str(event_id), "Content-Type": "image/jpeg"}

    jpeg, photo_id = image_bytes(size=(400, 300)), uuid.uuid4()
    status, body = put(gunicorn, photo_id, headers, jpeg, chunked=True)
    assert status == 201, body
    assert Evidence.objects.get(pk=photo_id).file.read() == jpeg

    status, body = put(gunicorn, uuid.uuid4(), headers, jpeg + b"\0" * MAX_EVIDENCE_BYTES, chunked=True)
    assert status == 413, body

    side = 1100  # about 3.5 MB of random pixels: a PNG hardly smaller
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG", compress_level=1)
    png = buffer.getvalue()
    assert 2_621_440 < len(png) <= MAX_EVIDENCE_BYTES
    status, body = put(gunicorn, uuid.uuid4(), {**headers, "Content-Type": "image/png"}, png, chunked=False)
    assert status == 201, body
    assert Evidence.objects.count() == 2
