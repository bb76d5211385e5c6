"""The engine's tests drive both the services and the API."""
from tests.api.conftest import drive  # noqa: F401  (fixtures)
from tests.services.conftest import svc  # noqa: F401
