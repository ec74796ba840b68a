"""The processes of a deployment, named once. docker-compose.yml runs them in
containers, `make serve` (deploy/serve.py) runs them on this machine against
the local PostgreSQL and Redis, and tests/deploy checks that the two agree."""

# One-off, before the others start: schema changes.
MIGRATE = ["python", "manage.py", "migrate", "--no-input"]
# The web application under gunicorn; bind address and worker count come
# from the environment (deploy/gunicorn.conf.py), so the command is the same everywhere.
WEB = ["gunicorn", "--config", "deploy/gunicorn.conf.py", "installer_ops.wsgi"]
WORKER = ["celery", "--app", "installer_ops", "worker", "--loglevel", "INFO"]
# Exactly one beat per deployment, or scheduled jobs run twice.
BEAT = ["celery", "--app", "installer_ops", "beat", "--loglevel", "INFO", "--schedule", "var/celerybeat-schedule"]

LONG_RUNNING = {"web": WEB, "worker": WORKER, "beat": BEAT}
