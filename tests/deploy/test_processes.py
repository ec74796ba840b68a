"""docker-compose.yml and `make serve` start the same processes."""

import subprocess
from pathlib import Path

import yaml

from deploy import processes, serve

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_compose_file_runs_the_named_processes_and_nothing_else():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "minio", "minio-setup", "migrate", "web", "worker", "beat"}
    assert services["migrate"]["command"] == processes.MIGRATE
    for name, argv in processes.LONG_RUNNING.items():
        assert services[name]["command"] == argv, name
    assert services["beat"]["deploy"]["replicas"] == 1
    # Everything of ours starts after the migration has succeeded.
    for name in processes.LONG_RUNNING:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # The image's default command is the web process too.
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"CMD {str(processes.WEB).replace(chr(39), chr(34))}" in dockerfile


def test_make_serve_runs_the_same_commands():
    dry_run = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "deploy/serve.py" in dry_run
    assert serve.LONG_RUNNING is processes.LONG_RUNNING and serve.MIGRATE is processes.MIGRATE
    # Here `python` is the virtual environment's interpreter; the rest is identical.
    assert serve.local(processes.MIGRATE)[1:] == processes.MIGRATE[1:]
    for argv in processes.LONG_RUNNING.values():
        assert serve.local(argv) == argv


def test_the_compose_environment_needs_its_secrets_and_holds_none():
    app = compose()["x-app"]["environment"]
    assert app["DJANGO_SETTINGS_MODULE"] == "installer_ops.settings.production"
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "S3_SECRET_ACCESS_KEY"):
        assert app[name].startswith("${") and ":?" in app[name], name
    assert "${POSTGRES_PASSWORD:?" in app["DATABASE_URL"]
    minio = compose()["services"]["minio"]["environment"]
    assert minio["MINIO_ROOT_PASSWORD"].startswith("${MINIO_ROOT_PASSWORD:?")


def test_the_app_keeps_evidence_photos_in_the_composes_minio_bucket():
    """The S3_* variables of the app point at the MinIO service; a one-off
    minio-setup makes that bucket, private, and the app's key before the app
    starts; the photos' storage is not published on any port."""
    services = compose()["services"]
    app = compose()["x-app"]["environment"]
    assert app["S3_ENDPOINT_URL"] == "${S3_ENDPOINT_URL:-http://minio:9000}"
    assert "minio/minio" in services["minio"]["image"] and "ports" not in services["minio"]
    setup = services["minio-setup"]
    assert "minio/mc" in setup["image"] and setup["restart"] == "no"
    assert setup["depends_on"]["minio"]["condition"] == "service_healthy"
    script = setup["command"][0]
    assert 'mc mb --ignore-existing "local/$$S3_BUCKET"' in script
    assert 'mc anonymous set none "local/$$S3_BUCKET"' in script
    for name in ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        assert setup["environment"][name] == app[name], name  # the bucket and key the app uses
    for name in processes.LONG_RUNNING:
        assert services[name]["depends_on"]["minio-setup"]["condition"] == "service_completed_successfully"
