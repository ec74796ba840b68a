"""Evidence photos in S3-compatible object storage (the production set-up:
S3_* variables, installer_ops/settings/evidence_storage.py) against moto's
S3 server started for the test: a photo PUT through the API lands in the
bucket under S3_PREFIX, comes back byte for byte through the API, and its
object is not readable without credentials (never a public URL).

moto is a dev requirement (requirements-dev.txt). A server that does not
start fails the test naming it, never skips it (CI runs with CI=true)."""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.test import override_settings
from rest_framework.test import APIClient

from bootcamp.models import Evidence
from tests.bootcamp.photos import image_bytes

pytestmark = pytest.mark.django_db
REGION = "us-east-1"
PREFIX = "evidence-test"
KEYS = {"S3_ACCESS_KEY_ID": "moto-access", "S3_SECRET_ACCESS_KEY": "moto-secret"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto's S3 server in a process of its own, on a free port."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603
    except OSError as exc:
        pytest.fail(f"moto's S3 server (python -m moto.server) could not start: {exc}")
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                ci = " (CI=true)" if os.environ.get("CI") == "true" else ""
                pytest.fail(f"moto's S3 server (python -m moto.server) exited{ci}: {process.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):  # noqa: S310 - loopback only
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"moto's S3 server (python -m moto.server) did not answer on {endpoint} within 30 s")
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
    )


def evidence_storage_setting() -> dict:
    """STORAGES["evidence"] as the settings module reads the variables now:
    a fresh copy of it (the imported one read the test run's environment,
    without S3_BUCKET), left out of sys.modules."""
    path = Path(settings.BASE_DIR) / "installer_ops" / "settings" / "evidence_storage.py"
    spec = importlib.util.spec_from_file_location("installer_ops.settings.evidence_storage_now", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EVIDENCE_STORAGE


@pytest.fixture
def bucket(moto_endpoint, monkeypatch):
    """A fresh bucket, and the evidence storage the S3_* variables make of it
    for the length of the test."""
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    s3_client(moto_endpoint).create_bucket(Bucket=name)
    environment = {"S3_BUCKET": name, "S3_ENDPOINT_URL": moto_endpoint, "S3_REGION": REGION, "S3_PREFIX": PREFIX}
    for variable, value in {**environment, **KEYS}.items():
        monkeypatch.setenv(variable, value)
    evidence = evidence_storage_setting()
    assert evidence["BACKEND"] == "storages.backends.s3.S3Storage"
    field = Evidence._meta.get_field("file")
    on_file_system = field.storage
    # Django's override resets its storages handler (setting_changed); the
    # model field took its storage once, when the model was defined, so it is
    # pointed at the new one here and back afterwards.
    with override_settings(STORAGES={**settings.STORAGES, "evidence": evidence}):
        field.storage = storages["evidence"]
        try:
            yield name
        finally:
            field.storage = on_file_system


def test_a_photo_goes_to_the_bucket_under_the_prefix_and_comes_back_through_the_api(camp, moto_endpoint, bucket):
    event_id = camp.event(camp.enrollment, camp.signed_item)
    installer, lead = APIClient(), APIClient()
    installer.force_authenticate(camp.installer.user)
    lead.force_authenticate(camp.lead_a)
    photo_id, jpeg = uuid.uuid4(), image_bytes(colour=(20, 120, 220))

    stored = installer.put(
        f"/api/v1/evidence/{photo_id}", data=jpeg, content_type="image/jpeg", HTTP_X_EVENT_ID=str(event_id)
    )
    assert stored.status_code == 201, stored.content
    answer = lead.get(f"/api/v1/evidence/{photo_id}")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content) == jpeg

    s3 = s3_client(moto_endpoint)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    evidence = Evidence.objects.get(pk=photo_id)
    assert keys == [f"{PREFIX}/{evidence.file.name}"]
    assert keys[0].startswith(f"{PREFIX}/{camp.enrollment.pk}/{photo_id}-")
    assert s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == jpeg
    grants = s3.get_object_acl(Bucket=bucket, Key=keys[0])["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("/AllUsers")]

    # The object's plain URL, without credentials: refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{moto_endpoint}/{bucket}/{keys[0]}", timeout=5)  # noqa: S310 - loopback only
    assert refused.value.code == 403

    # The same photo again is stored once: no second object.
    again = installer.put(
        f"/api/v1/evidence/{photo_id}", data=jpeg, content_type="image/jpeg", HTTP_X_EVENT_ID=str(event_id)
    )
    assert again.status_code == 200
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 1


def test_a_photo_whose_object_is_gone_answers_404_not_500(camp, moto_endpoint, bucket):
    event_id = camp.event(camp.enrollment, camp.photo_item)
    client = APIClient()
    client.force_authenticate(camp.installer.user)
    photo_id = uuid.uuid4()
    response = client.put(
        f"/api/v1/evidence/{photo_id}", data=image_bytes(), content_type="image/jpeg", HTTP_X_EVENT_ID=str(event_id)
    )
    assert response.status_code == 201
    s3_client(moto_endpoint).delete_object(Bucket=bucket, Key=f"{PREFIX}/{Evidence.objects.get().file.name}")
    assert client.get(f"/api/v1/evidence/{photo_id}").status_code == 404
