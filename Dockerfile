# Installer Ops: one image for the web, worker, beat and migrate processes
# of docker-compose.yml (their commands are in deploy/processes.py).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=installer_ops.settings.production

# WeasyPrint's native libraries (Pango, HarfBuzz) and fonts for the PDFs (DejaVu for Latin text, IPAex Gothic
# for Japanese: 6 MB with full JIS X 0213 coverage); gettext's msgfmt compiles the translation catalogues below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
        fonts-ipaexfont-gothic gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements.txt
RUN pip install -r requirements.txt

COPY . .
# Static files are collected and the translation catalogues compiled (.mo files are not committed) into
# the image; the settings need a key and hosts to load, so placeholders are given for this step only.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py compilemessages \
    && mkdir -p var && useradd --system --home /app installer-ops && chown -R installer-ops var

USER installer-ops
EXPOSE 8000
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "installer_ops.wsgi"]
