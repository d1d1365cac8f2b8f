"""演示数据 is on every page of the demo and in the printed header of every file it
exports, so no screenshot or file passes as real figures; a real programme carries
neither."""

from collections import deque
from io import BytesIO

from docx import Document
from openpyxl import load_workbook

from keyworks.demo.loader import load_demo
from keyworks.orgs.models import User
from tests.demo.test_links import HREF, SKIP, shape

MARK = "演示数据"
XLSX = "spreadsheetml"
DOCX = "wordprocessingml"


def walk(client, limit=300):
    """(url, response) for every shape of page and file reachable from the home page."""
    seen, queue = set(), deque(["/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if shape(url) in seen or url.startswith(SKIP):
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
            continue
        if response.status_code != 200:
            continue
        yield url, response
        if "text/html" in response.headers.get("Content-Type", ""):
            queue.extend(h.replace("&amp;", "&") for h in HREF.findall(response.content.decode()))


def file_marks(response) -> list[str]:
    """The page-header text of every sheet or section of an exported file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.headers["Content-Type"]
    if XLSX in kind:
        return [ws.oddHeader.center.text or "" for ws in load_workbook(BytesIO(content))]
    if DOCX in kind:
        return [
            "".join(p.text for p in section.header.paragraphs)
            for section in Document(BytesIO(content)).sections
        ]
    raise AssertionError(f"unexpected file type {kind}")


def test_every_demo_page_and_export_says_demo_data(db, client):
    load_demo()
    pages, files = [], []
    for username in ("office", "tf01", "leader", "inspector"):
        client.force_login(User.objects.get(username=username))
        for url, response in walk(client):
            kind = response.headers.get("Content-Type", "")
            if "text/html" in kind:
                pages.append(url)
                assert MARK in response.content.decode(), (username, url)
            elif XLSX in kind or DOCX in kind:
                files.append(url)
                marks = file_marks(response)
                assert marks and all(MARK in m for m in marks), (username, url, marks)
    # The walk reached the pages the mark was missing from and every kind of export.
    for path in ("/rankings/", "/tasks/", "/fieldwork/", "/reminders/", "/dashboards/screen/"):
        assert any(url.startswith(path) for url in pages), path
    for path in (
        "/ledger/export.xlsx",
        "/coordination/export.xlsx",
        "/factors/export.xlsx",
        "/tasks/export.xlsx",
        "/meetings/decisions/export.xlsx",
        "/reporting/summary.xlsx",
        "/reporting/template.xlsx",
        "/dashboards/schedule/export.xlsx",
        "/rankings/export.xlsx",
        "/rankings/export.docx",
    ):
        assert any(url.startswith(path) for url in files), path
    assert any(url.endswith("/minutes.docx") for url in files)

    client.force_login(User.objects.get(username="office"))
    response = client.get("/api/meetings/decisions/export.xlsx", {"programme": "jz2025"})
    assert response.status_code == 200 and all(MARK in m for m in file_marks(response))


def test_a_real_programme_carries_no_mark(world, client):
    client.force_login(world.office)
    for url, response in walk(client, limit=60):
        kind = response.headers.get("Content-Type", "")
        if "text/html" in kind:
            assert 'class="kw-demo-banner"' not in response.content.decode(), url
        elif XLSX in kind or DOCX in kind:
            assert not any(MARK in m for m in file_marks(response)), url
