"""gunicorn settings, from the environment (the same file in a container and under `make serve`)."""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Threads let a worker wait on the database for one request while serving another.
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# Behind a proxy that terminates TLS (production settings trust X-Forwarded-Proto from it).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
