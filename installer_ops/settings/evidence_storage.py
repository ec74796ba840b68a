"""Where evidence photos are kept, read from the environment. base.py adds
STORAGES["evidence"] from EVIDENCE_STORAGE.

By default the file system under var/media/evidence/. With S3_BUCKET set,
S3-compatible object storage through django-storages (AWS S3, MinIO, any
server speaking the protocol): the bucket stays private (no ACL, signed
URLs only), and the product itself serves each photo to the people allowed
to see its enrollment (bootcamp/evidence_apis.py), never a public URL."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .environment import env_str

__all__ = ["MEDIA_ROOT", "EVIDENCE_STORAGE"]

_VAR_DIR = Path(__file__).resolve().parent.parent.parent / "var"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(_VAR_DIR / "media")))

_bucket = env_str("S3_BUCKET", "")
if _bucket:
    _access_key, _secret_key = env_str("S3_ACCESS_KEY_ID", ""), env_str("S3_SECRET_ACCESS_KEY", "")
    if bool(_access_key) != bool(_secret_key):
        raise ImproperlyConfigured("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (instance role).")
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": _access_key or None,
            "secret_key": _secret_key or None,
            "location": env_str("S3_PREFIX", "evidence"),
            # Private objects; a photo's name carries its checksum, so one
            # name never holds two contents and nothing is overwritten.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    EVIDENCE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "evidence"), "base_url": None},
    }
