"""Clients for the JSON API: personal tokens and JSON bodies."""

import json

import pytest
from django.test import Client

from keyworks.people.services import create_token


class Api:
    """A client authenticated with a fresh personal token of `user`."""

    def __init__(self, user, **defaults):
        self.raw = create_token(user, "tests", by=user)[1] if user is not None else ""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"} if user is not None else {}
        self.client = Client(**headers, **defaults)

    def get(self, url, params=None, **extra):
        return self.client.get(url, params or {}, **extra)

    def send(self, method, url, body, **extra):
        return send(self.client, method, url, body, **extra)

    def post(self, url, body, **extra):
        return self.send("post", url, body, **extra)

    def patch(self, url, body, **extra):
        return self.send("patch", url, body, **extra)


def send(client, method, url, body, **extra):
    """`method` ("post", "patch") with `body` as JSON."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json", **extra)


@pytest.fixture
def api(world):
    """`api(user)` → an `Api` client using a personal token of `user`."""
    return Api


@pytest.fixture
def send_json():
    return send
