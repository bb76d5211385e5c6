"""A URL part naming a registered process kind; anything else does not match (so it is a 404, never a 405)."""
from .registry import KINDS


class KindConverter:
    regex = "[a-z][a-z-]{1,31}"

    def to_python(self, value):
        if value not in KINDS:
            raise ValueError(value)
        return value

    def to_url(self, value):
        return str(value)
