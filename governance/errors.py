"""Domain errors that views map to HTTP statuses in one place (config.api.exception_handler)."""
from django.core.exceptions import PermissionDenied


class Conflict(Exception):
    """The object changed under the caller: task already done, request already open (409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(PermissionDenied):
    """Visible to the caller, but their post may not do this (403)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooSoon(Exception):
    """Done again too soon (a second 催办 the same day): 429."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
