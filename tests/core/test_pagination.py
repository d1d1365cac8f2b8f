"""The API's page: `page`/`page_size` in, `count`, `items` (each row turned into its output
only for the page read) and the page's own fields out."""

import pytest

from keyworks.core.pagination import AsOfPagination, PageNumberPagination, Rows
from keyworks.orgs.models import Region


@pytest.fixture
def regions(db):
    return [
        Region.objects.create(code=f"4108{i:02d}", name=f"区{i}", kind="district") for i in range(5)
    ]


def test_a_page_of_rows(regions, django_assert_num_queries):
    turned = []

    def row(region):
        turned.append(region.pk)
        return {"id": region.pk}

    rows = Rows(Region.objects.order_by("code"), row, as_of=None)
    pagination = PageNumberPagination.Input(page=2, page_size=2)
    with django_assert_num_queries(2):  # the count, the page
        page = AsOfPagination().paginate_queryset(rows, pagination, request=None)
    assert page == {"count": 5, "items": [{"id": r.pk} for r in regions[2:4]], "as_of": None}
    assert turned == [r.pk for r in regions[2:4]]


def test_a_plain_queryset_and_the_limits(regions):
    page = PageNumberPagination().paginate_queryset(
        Region.objects.order_by("code"), PageNumberPagination.Input(), request=None
    )
    assert page["count"] == 5 and len(page["items"]) == 5
    with pytest.raises(ValueError):
        PageNumberPagination.Input(page_size=501)
    with pytest.raises(ValueError):
        PageNumberPagination.Input(page=0)
