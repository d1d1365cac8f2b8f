import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from keyworks.audit.models import ChangeRecord
from keyworks.orgs.models import ApiToken


def test_it_prints_a_working_token_once(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("create-token", "tf01", "--name", "脚本", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("kw_") and "\n" not in raw
    token = ApiToken.objects.get(user=world.member)
    assert token.name == "脚本" and raw not in token.digest  # only the digest is kept
    assert ChangeRecord.objects.filter(action="create_token", actor=world.member).count() == 1
    assert "无法再次查看" in err.getvalue()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me")
    assert response.status_code == 200 and response.json()["username"] == "tf01"


def test_it_refuses_an_unknown_user(world):
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("create-token", "nobody", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
