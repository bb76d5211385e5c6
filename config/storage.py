"""Where uploaded and generated files live: a local folder (MEDIA_ROOT) unless S3 settings are given.

With `S3_BUCKET` set, Django's default storage is django-storages' S3 backend, for AWS or any
S3-compatible store (MinIO, Ceph, OSS/COS gateways) at `S3_ENDPOINT_URL`. Objects are private
(no ACL, signed URLs only, never overwritten); the application serves them through its own scoped
download views, so no bucket needs to be public.
"""

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3 = "storages.backends.s3.S3Storage"


def default_storage_from_env(env) -> dict:
    """The STORAGES["default"] entry for the environment `env` (a django-environ Env)."""
    bucket = env("S3_BUCKET", default="")
    if not bucket:
        return LOCAL
    options = {
        "bucket_name": bucket,
        "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
        "region_name": env("S3_REGION", default="") or None,
        "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
        "location": env("S3_PREFIX", default=""),
        "addressing_style": env("S3_ADDRESSING_STYLE", default="") or None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    return {"BACKEND": S3, "OPTIONS": {k: v for k, v in options.items() if v is not None}}
