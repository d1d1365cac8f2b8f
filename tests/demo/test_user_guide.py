"""The user guide names only menu entries and page titles the app has, and every menu entry.

docs/user-guide.md writes a menu path in 【】 — 【问题清单】 for a top menu entry,
【报告核验 › 月报汇总表】 for an entry of a dropdown menu — and a page title in 「」. With the demo
loaded, each path must be in the menu rendered on the home page (for the office, plus the leader
for 我的批示), each title must be the heading of a page reached by following links from the home
page, and each entry of the menu must be named in the guide."""

import html
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.test import Client

from keyworks.demo.loader import load_demo
from keyworks.orgs.models import User

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
MENU_PATH = re.compile(r"【([^【】]*)】")
PAGE_TITLE = re.compile(r"「([^「」]*)」")
SEPARATOR = "›"
# The office sees every menu entry but 我的批示, which only a leader sees.
MENU_USERS = ("office", "leader")
SKIP = ("/logout", "/i18n/", "/static/", "/admin/", "/api/")
DOWNLOADS = (".xlsx", ".docx", ".json", ".png")
HREF = re.compile(r'href="(/[^"#]*)"')
HEADINGS = re.compile(
    r"<title>(.*?)</title>|<h1[^>]*>(.*?)</h1>|<h2[^>]*class=\"[^\"]*page-title[^\"]*\"[^>]*>(.*?)</h2>",
    re.S,
)
TAG = re.compile(r"<[^>]+>")


def guide_text() -> str:
    """The guide with its line breaks inside a paragraph removed (Chinese has no spaces
    between words, so a label wrapped onto the next line reads as one word)."""
    return re.sub(r"[ \t]*\n[ \t]*(?=\S)", "", GUIDE.read_text(encoding="utf-8"))


def guide_menu_paths(text: str) -> set[tuple[str, ...]]:
    """Each 【】 as a tuple of labels: ("问题清单",) or ("报告核验", "月报汇总表")."""
    paths = set()
    for raw in MENU_PATH.findall(text):
        labels = tuple(part.strip() for part in raw.split(SEPARATOR))
        if any(labels):  # 【】 alone is the guide explaining its own convention
            paths.add(labels)
    return paths


def guide_page_titles(text: str) -> set[str]:
    return {title.strip() for title in PAGE_TITLE.findall(text) if title.strip()}


class MenuParser(HTMLParser):
    """The top menu (`#navbar-menu` in base.html) as {top label: {entry label: href}};
    a top entry without a dropdown maps to {}. Hrefs of every entry land in `links`."""

    def __init__(self):
        super().__init__()
        self.menu: dict[str, dict[str, str]] = {}
        self.links: list[str] = []
        self.depth = 0  # open <div>s inside #navbar-menu; 0: outside
        self.capture: str | None = None  # "top" or "item" while reading a label
        self.text: list[str] = []
        self.href = ""
        self.top: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div" and (self.depth or attrs.get("id") == "navbar-menu"):
            self.depth += 1
        if not self.depth:
            return
        if tag == "a" and "nav-link" in classes:
            self.href = attrs.get("href", "")
        elif tag == "span" and "nav-link-title" in classes:
            self.capture, self.text = "top", []
        elif tag == "a" and "dropdown-item" in classes:
            self.capture, self.text, self.href = "item", [], attrs.get("href", "")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        label = " ".join("".join(self.text).split())
        if tag == "span" and self.capture == "top":
            self.top = label
            self.menu.setdefault(label, {})
            if self.href.startswith("/"):
                self.links.append(self.href)
            self.capture = None
        elif tag == "a" and self.capture == "item":
            self.menu.setdefault(self.top or "", {})[label] = self.href
            self.links.append(self.href)
            self.capture = None
        elif tag == "div":
            self.depth -= 1

    def handle_data(self, data):
        if self.capture:
            self.text.append(data)


def rendered_menu(client) -> MenuParser:
    response = client.get("/")
    assert response.status_code == 200
    parser = MenuParser()
    parser.feed(response.content.decode())
    assert parser.menu, "no top menu found on the home page (is #navbar-menu still there?)"
    return parser


def menus_of(usernames) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The union of the menus the given demo users see, and the links of those menus."""
    menu: dict[str, dict[str, str]] = {}
    links: list[str] = []
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        parser = rendered_menu(client)
        for top, items in parser.menu.items():
            menu.setdefault(top, {}).update(items)
        links += parser.links
    return menu, links


def shape(url: str) -> str:
    """/ledger/12/ and /ledger/13/ are one shape: each kind of page is read once."""
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def page_headings(page: str) -> list[str]:
    """The browser title, <h1> and the page title (h2.page-title) of a page, as plain text."""
    found = []
    for groups in HEADINGS.findall(page):
        raw = next(g for g in groups if g) if any(groups) else ""
        found.append(" ".join(html.unescape(TAG.sub(" ", raw)).split()))
    return found


def find_titles(client, start: list[str], wanted: set[str], limit=300) -> dict[str, str]:
    """Follow links from `start` (each shape of address once) until every wanted title is
    found in some page's headings; return {title: the first page showing it}."""
    found: dict[str, str] = {}
    seen, queue = set(), deque(start)
    while queue and len(seen) < limit and len(found) < len(wanted):
        url = queue.popleft()
        path = urlsplit(url).path
        if shape(url) in seen or url.startswith(SKIP) or path.endswith(DOWNLOADS):
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.headers.get(
            "Content-Type", ""
        ):
            continue
        page = response.content.decode()
        headings = page_headings(page)
        for title in wanted - found.keys():
            if any(title in heading for heading in headings):
                found[title] = url
        queue.extend(href.replace("&amp;", "&") for href in HREF.findall(page))
    return found


def test_the_guide_follows_its_conventions():
    text = guide_text()
    paths, titles = guide_menu_paths(text), guide_page_titles(text)
    assert len(paths) >= 20, "menu paths are written in 【】, e.g. 【报告核验 › 月报汇总表】"
    assert len(titles) >= 20, "page titles are written in 「」, e.g. 「任务问题清单」"
    assert all(len(path) <= 2 and all(path) for path in paths), [
        "【" + f" {SEPARATOR} ".join(p) + "】" for p in paths if len(p) > 2 or not all(p)
    ]


def test_every_menu_entry_the_guide_names_is_in_the_menu(db):
    load_demo()
    menu, _links = menus_of(MENU_USERS)
    missing = []
    for path in sorted(guide_menu_paths(guide_text())):
        top, *item = path
        if top not in menu or (item and item[0] not in menu[top]):
            missing.append("【" + f" {SEPARATOR} ".join(path) + "】")
    assert missing == [], (
        f"the user guide names menu entries the app does not have: {missing}; the menu is {menu}"
    )


def test_every_menu_entry_is_in_the_guide(db):
    load_demo()
    menu, _links = menus_of(MENU_USERS)
    named = guide_menu_paths(guide_text())
    absent = []
    for top, items in menu.items():
        entries = [(top, item) for item in items] if items else [(top,)]
        absent += ["【" + f" {SEPARATOR} ".join(e) + "】" for e in entries if e not in named]
    assert absent == [], f"menu entries the user guide does not describe: {absent}"


def test_every_page_title_the_guide_names_is_on_a_page_reached_from_the_menu(db):
    load_demo()
    wanted = guide_page_titles(guide_text())
    found: dict[str, str] = {}
    for username in MENU_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        _menu, links = menus_of([username])
        found.update(find_titles(client, ["/", *links], wanted - found.keys()))
    missing = sorted(wanted - found.keys())
    assert missing == [], (
        f"the user guide names page titles no page reached from the menu shows: {missing}"
    )
