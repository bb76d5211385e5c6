"""Pagination whose count stays cheap on big tables: exact up to COUNT_CAP rows, then capped; and a first page
that is not full counts itself (most inboxes and lists: no count query at all)."""
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

    def validate_number(self, number):
        if number in (1, "1") and self.allow_empty_first_page:
            return 1  # always a page, whatever the count: asking for it needs none
        return super().validate_number(number)

    def page(self, number):
        if number not in (1, "1") or self.orphans or "_counted" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["_counted"] = len(rows)  # the cached_property's value: every row is on this page
        return self._get_page(rows, 1, self)
