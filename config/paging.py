"""Pagination whose count stays cheap on big tables: exact up to COUNT_CAP rows, then capped."""
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows (a LIMITed subquery), so page 1 costs the same at any size."""

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def count_capped(self) -> bool:
        return self._counted > COUNT_CAP
