"""The API's page-number pagination, with bounds so a huge page number is a 422, not a 500;
and the pages' paginator told its count."""

from typing import Any

from django.core.paginator import Paginator
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

#: The largest id the databases store (a signed 64-bit integer); API ids are bounded by it.
MAX_ID = 2**63 - 1


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)


class Counted(Paginator):
    """A paginator told the count (counting a grouped query again costs as much as reading
    it; the caller has a cheaper count, or has just counted)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count
