"""Files go to MEDIA_ROOT by default and to an S3-compatible store when the environment says so."""
import os
import subprocess
import sys
from pathlib import Path

import environ
from django.core.files.storage import FileSystemStorage, StorageHandler
from storages.backends.s3 import S3Storage

from config.storage import default_storage_from_env

ROOT = Path(__file__).resolve().parents[2]
S3_ENV = {"S3_BUCKET": "channel-files", "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
          "S3_ACCESS_KEY_ID": "minio-key", "S3_SECRET_ACCESS_KEY": "minio-secret", "S3_REGION": "cn-central-1"}
PROBE = ("import django; django.setup(); from django.core.files.storage import storages; s = storages['default']; "
         "print(type(s).__module__ + '.' + type(s).__name__, getattr(s, 'bucket_name', '-'), "
         "getattr(s, 'endpoint_url', '-'), getattr(s, 'querystring_auth', '-'), getattr(s, 'file_overwrite', '-'))")


def storage_for(env_vars: dict):
    environ_env = environ.Env()
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("S3_")}
    os.environ.update(env_vars)
    try:
        config = default_storage_from_env(environ_env)
    finally:
        for key in env_vars:
            os.environ.pop(key, None)
        os.environ.update(saved)
    return StorageHandler({"default": config})["default"]


def test_local_folder_by_default():
    assert isinstance(storage_for({}), FileSystemStorage)


def test_s3_settings_switch_the_backend():
    storage = storage_for(S3_ENV)
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.endpoint_url, storage.region_name) == (
        "channel-files", "http://127.0.0.1:9000", "cn-central-1")
    assert (storage.access_key, storage.secret_key) == ("minio-key", "minio-secret")
    assert storage.default_acl is None and storage.querystring_auth and not storage.file_overwrite


def test_the_settings_module_reads_the_environment():
    """A fresh process with the variables set gets the S3 backend as Django's default storage."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    env.update(S3_ENV, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out == ["storages.backends.s3.S3Storage", "channel-files", "http://127.0.0.1:9000", "True", "False"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out[0] == "django.core.files.storage.filesystem.FileSystemStorage"
