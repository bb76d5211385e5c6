"""Extension points: apps above governance add to its pages without governance importing them.

The channel page shows the channel's record; the approval engine (and others) register sections
that show what they know of the channel (its requests, the actions that start one).
"""
from typing import Callable


class Sections:
    """An ordered list of providers; each takes (request, channel) and returns a dict for the page
    (with at least `template`), or None to show nothing."""

    def __init__(self):
        self._providers: list[Callable] = []

    def register(self, provider: Callable) -> Callable:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def render(self, request, channel) -> list[dict]:
        return [s for s in (p(request, channel) for p in self._providers) if s]


channel_sections = Sections()
# Every other subject's page (a commission policy, an outbound agent): its requests and what may be started.
subject_sections = Sections()
