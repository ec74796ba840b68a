"""Production settings, with the benchmark's URL configuration. bench/load.py
starts `make serve` with DJANGO_SETTINGS_MODULE pointing here, so the server
under load is the production one (same middleware, database, broker, gunicorn)
plus one route no deployment has."""

from installer_ops.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.serving.urls"
