"""URL converters: an id is at most 18 digits, so an absurd one is a 404, never a database overflow."""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
