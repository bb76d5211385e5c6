"""Attachments of a channel (附件): content checks, the upload service, selectors, API and pages.

The model is `governance.models.Attachment`; files go through Django's default storage (a local
folder, or S3-compatible storage when `S3_BUCKET` is set, see `config/storage.py`) and are only
ever served by the scoped download views here.
"""
