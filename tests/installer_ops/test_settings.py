"""Production settings: refuse to start without secrets, and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="installer_ops.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", ALLOWED_HOSTS="ops.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_check_deploy_reports_nothing():
    key = "k7#Qz!p2Lr9@vW4s^Tn8&yB1x$Hc6*Jm3%Fd5(Gq0)Ue-Ra+Zo=Ni_Pl~Ks"
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=key, ALLOWED_HOSTS="ops.example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_reports_nothing_with_evidence_in_object_storage():
    """The S3_* variables docker-compose.yml sets (MinIO): still clean, and
    the photos' storage is S3 with private objects."""
    key = "k7#Qz!p2Lr9@vW4s^Tn8&yB1x$Hc6*Jm3%Fd5(Gq0)Ue-Ra+Zo=Ni_Pl~Ks"
    s3 = {
        "S3_BUCKET": "installer-ops-evidence",
        "S3_ENDPOINT_URL": "http://minio:9000",
        "S3_REGION": "us-east-1",
        "S3_PREFIX": "evidence",
        "S3_ACCESS_KEY_ID": "installer-ops-app",
        "S3_SECRET_ACCESS_KEY": "not-a-real-secret-for-tests",
    }
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=key, ALLOWED_HOSTS="ops.example.com", **s3
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; e = settings.STORAGES['evidence']; "
        "print(e['BACKEND'], e['OPTIONS']['default_acl'], e['OPTIONS']['location'])",
        SECRET_KEY=key,
        ALLOWED_HOSTS="ops.example.com",
        **s3,
    )
    assert shown.stdout.split()[-3:] == ["storages.backends.s3.S3Storage", "None", "evidence"], shown.stderr


def test_production_refuses_half_an_s3_key():
    result = manage(
        "check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="ops.example.com", S3_BUCKET="b", S3_ACCESS_KEY_ID="only-this"
    )
    assert result.returncode != 0
    assert "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY" in result.stderr
