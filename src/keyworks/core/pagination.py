"""The API's pages of a list (docs/api.md): `?page=&page_size=` in (page_size 1–500, 50 by
default; out of range is a 422 naming the field), `{"count", "items"}` out.

An endpoint decorated with `@paginate(PageNumberPagination)` (ninja.pagination) returns a
queryset, or `Rows(queryset, row, **extra)` to turn each row of the page into its output
and add fields of the page (`AsOfPagination`: `as_of`)."""

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 500


class Rows:
    """The rows of `queryset`, counted and sliced in the database, each turned into its
    output by `row` when its page is read; `extra`: more fields of the page."""

    def __init__(self, queryset: QuerySet, row: Callable = lambda obj: obj, **extra):
        self.queryset, self.row, self.extra = queryset, row, extra

    def count(self) -> int:
        return self.queryset.count()

    def page(self, start: int, size: int) -> list:
        return [self.row(obj) for obj in self.queryset[start : start + size]]


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        rows = queryset if isinstance(queryset, Rows) else Rows(queryset)
        start = (pagination.page - 1) * pagination.page_size
        return {
            "count": rows.count(),
            "items": rows.page(start, pagination.page_size),
            **rows.extra,
        }


class AsOfPagination(PageNumberPagination):
    """A page of a list that can be read as of a past day (`Rows(..., as_of=day)`)."""

    class Output(PageNumberPagination.Output):
        as_of: datetime.date | None
