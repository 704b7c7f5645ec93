"""The API's page-number pagination, with bounds so a huge page number is a 422, not a 500."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

#: The largest id the databases store (a signed 64-bit integer); API ids are bounded by it.
MAX_ID = 2**63 - 1


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)
