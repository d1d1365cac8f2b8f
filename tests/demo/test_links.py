"""Every link a demo user is shown opens: no page links to a 403, a 404 or an error.

Crawls the demo programme from the home page as one user per role, following each
shape of address once (`/ledger/12/` and `/ledger/13/` are one shape), so every kind of
page is reached without reading all of them."""

import re
from collections import deque
from urllib.parse import urlsplit

from keyworks.demo.loader import load_demo
from keyworks.orgs.models import User

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/logout", "/i18n/", "/static/", "/admin/", "/api/docs")
ROLES = ["office", "leader", "inspector", "tf01", "d410802", "dept-fgw"]


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client, limit=250) -> tuple[int, list]:
    seen, queue, broken = set(), deque([("/", "")]), []
    while queue and len(seen) < limit:
        url, parent = queue.popleft()
        if shape(url) in seen or url.startswith(SKIP):
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append((response.headers["Location"], url))
            continue
        if response.status_code != 200:
            broken.append((response.status_code, url, parent))
            continue
        if "text/html" in response.headers.get("Content-Type", ""):
            for href in HREF.findall(response.content.decode()):
                queue.append((href.replace("&amp;", "&"), url))
    return len(seen), broken


def test_every_link_each_role_is_shown_opens(db, client):
    load_demo()
    for username in ROLES:
        client.force_login(User.objects.get(username=username))
        pages, broken = crawl(client)
        assert pages > 40, username  # the crawl reached the app, not just the home page
        assert broken == [], username
