"""The measures page at a province's size: a page of 50 projects, a filter by light and a
search by name; the figures above it still cover every project."""

from tests.conftest import make_project

PAGE = "/reporting/measures/?programme=jz2025&month=2025-08"


def crowd(world, n=60):
    for i in range(n):
        make_project(
            world.programme, world.infra, 100 + i, f"道路{i:03d}", world.district_a, f"专班{i}"
        )


def project_rows(page) -> list[str]:
    html = page.content.decode()
    return [chunk.split('"')[0] for chunk in html.split('<tr data-project="')[1:]]


def test_fifty_projects_a_page_and_every_project_in_the_totals(world):
    crowd(world)
    client = world.client(world.office)
    first, second = client.get(PAGE), client.get(PAGE + "&page=2")
    assert len(project_rows(first)) == 50 and len(project_rows(second)) == 12
    assert 'data-count="62"' in first.content.decode()
    assert not set(project_rows(first)) & set(project_rows(second))


def test_a_light_and_a_name_narrow_the_list(world):
    crowd(world)
    client = world.client(world.office)
    found = client.get(PAGE + "&q=道路05")
    assert len(project_rows(found)) == 10
    red = client.get(PAGE + "&light=red").content.decode()
    assert all('data-light="red"' in row for row in red.split("<tr data-project=")[1:])
    assert client.get(PAGE + "&light=purple").status_code == 404
