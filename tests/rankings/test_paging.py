"""A province-sized ranking page: one page of rows, a search, the viewer's own row on top;
the export still has every row."""

from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import make_project

PAGE = "/rankings/?programme=jz2025&period=2025-11&tab=task_force"


def crowd(world, n=60):
    for i in range(n):
        make_project(
            world.programme,
            world.infra,
            100 + i,
            f"道路{i:03d}",
            world.district_a,
            f"道路专班{i:03d}",
        )


def task_force_rows(page) -> list[str]:
    html = page.content.decode()
    table = html.split('data-table="task_force-')[1]
    return [chunk.split('"')[0] for chunk in table.split('<tr data-key="')[1:]]


def test_the_page_shows_fifty_rows_and_says_how_many(world):
    crowd(world)
    client = world.client(world.office)
    first = client.get(PAGE)
    assert len(task_force_rows(first)) == 50
    assert 'data-count="62"' in first.content.decode()
    second = client.get(PAGE + "&page=2")
    assert len(task_force_rows(second)) == 12
    assert not set(task_force_rows(first)) & set(task_force_rows(second))


def test_a_search_narrows_the_rows(world):
    crowd(world)
    page = world.client(world.office).get(PAGE + "&q=道路专班05")
    assert 'data-count="10"' in page.content.decode()
    assert len(task_force_rows(page)) == 10


def test_a_task_force_sees_its_own_row_on_any_page(world):
    crowd(world)
    page = world.client(world.member).get(PAGE + "&page=2")
    html = page.content.decode()
    own = html.split('data-list="own"')[1].split("</ul>")[0]
    assert f'data-key="{world.own.task_force_id}"' in own
    assert 'data-list="own"' not in world.client(world.office).get(PAGE).content.decode()


def test_the_export_keeps_every_row(world):
    crowd(world)
    response = world.client(world.office).get(
        "/rankings/export.xlsx?programme=jz2025&period=2025-11"
    )
    book = load_workbook(BytesIO(response.content), read_only=True)
    names = {c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert {f"道路专班{i:03d}" for i in range(60)} <= names
