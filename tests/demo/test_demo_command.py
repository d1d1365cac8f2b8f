"""`keyworks demo --no-serve`: prepares the demo and ends by listing where to log in."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from keyworks.demo import data
from keyworks.demo.loader import demo_accounts
from keyworks.ledger.models import Programme


def run_demo(*args) -> list[str]:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()


@pytest.mark.django_db
def test_it_loads_the_demo_and_ends_with_the_accounts(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    lines = run_demo()
    assert Programme.objects.get(code="jz2025").projects.count() == 30

    accounts = demo_accounts()
    assert lines[-1].startswith("登录：http://127.0.0.1:8000/login/")
    assert "keyworks-demo" in lines[-1]
    # The block just above the last line lists every account, in order.
    tail = lines[-(len(accounts) + len({a.group for a in accounts}) + 1) : -1]
    listed = [line.split()[0] for line in tail if line.startswith("    ")]
    assert listed == [a.username for a in accounts]
    assert any("tf01" in line and "中福钛锆产业园" in line for line in tail)
    assert any("tf30" in line and data.PROJECTS[29]["name"] in line for line in tail)
    assert any("d410823" in line and "武陟县" in line for line in tail)
    assert any("dept-zzb" in line and "市委组织部" in line for line in tail)
    assert any(line.startswith("登录地址：http://127.0.0.1:8000/login/") for line in lines)
    assert any(line.startswith("已加载演示数据：") and "项目 30" in line for line in lines)


@pytest.mark.django_db
def test_running_it_again_leaves_the_demo_alone(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    run_demo()
    Programme.objects.filter(code="jz2025").update(name="改过的名字")
    lines = run_demo("--port", "9123")
    assert any("已存在" in line for line in lines)
    assert Programme.objects.get(code="jz2025").name == "改过的名字"
    assert lines[-1].startswith("登录：http://127.0.0.1:9123/login/")


@pytest.mark.django_db
def test_it_speaks_english_when_run_in_english(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    with translation.override("en"):
        lines = run_demo()
        again = run_demo()
    assert any(line.startswith("Demo data loaded: ") and "projects 30" in line for line in lines)
    assert any(line.startswith("Log in at: http://127.0.0.1:8000/login/") for line in lines)
    assert "  Task forces (by ledger number)" in lines
    assert lines[-1].startswith("Log in: http://127.0.0.1:8000/login/")
    assert "Demo data already present, left unchanged" in again
    assert not any("演示数据" in line or "登录" in line for line in lines + again)


@pytest.mark.django_db
def test_port_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "8765")
    assert "http://127.0.0.1:8765/login/" in run_demo()[-1]
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(CommandError):
        run_demo()


def test_it_will_not_touch_a_real_programme_with_the_demo_code(world):
    with pytest.raises(CommandError):
        run_demo()
    assert world.programme.projects.count() == 2
