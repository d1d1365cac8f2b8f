"""One language at a time: Chinese by default, English through Accept-Language, the language
cookie, or the language a person chose on the profile page (kept on the account, applied at
sign-in and on every request). The site's own error pages speak the active language."""

from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.conftest import PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_sign_in_page_is_chinese_by_default_and_english_on_request(db):
    page = Client().get(reverse("login")).content.decode()
    assert "用户名" in page and "Username" not in page
    page = Client(headers={"accept-language": "en"}).get(reverse("login")).content.decode()
    assert "Username" in page and "用户名" not in page
    assert '<html lang="en">' in page


def test_the_sign_in_page_switches_language_for_anyone(db):
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert 'id="language-switch"' in page and ">English</button>" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    page = client.get(reverse("login")).content.decode()
    assert "Username" in page and ">简体中文</button>" in page


def test_a_chosen_language_is_kept_on_the_account_and_wins_over_the_browser(world):
    client = world.client(world.member)
    page = client.get(reverse("people:profile")).content.decode()
    assert 'id="language"' in page and "界面语言" in page
    response = client.post(
        reverse("accounts:language"), {"language": "en", "next": reverse("people:profile")}
    )
    assert response.status_code == 302 and response.url == reverse("people:profile")
    assert response.cookies[COOKIE].value == "en"
    world.member.refresh_from_db()
    assert world.member.language == "en"
    # Every request of the signed-in person, whatever the browser asks for.
    fresh = Client(headers={"accept-language": "zh-hans"})
    fresh.force_login(world.member)
    page = fresh.get(reverse("people:profile")).content.decode()
    assert "Interface language" in page and "Sign out" in page
    assert fresh.get(reverse("people:profile")).headers["Content-Language"] == "en"


def test_signing_in_applies_the_accounts_language(world):
    world.member.language = "en"
    world.member.save(update_fields=["language"])
    client = Client()
    response = client.post(reverse("login"), {"username": "tf01", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    # Signed out, the sign-in page still speaks the person's language.
    client.post(reverse("logout"))
    assert "Username" in client.get(reverse("login")).content.decode()


def test_following_the_browser_again_clears_the_choice(world):
    world.member.language = "en"
    world.member.save(update_fields=["language"])
    client = world.client(world.member)
    response = client.post(reverse("accounts:language"), {"language": ""})
    assert response.url == reverse("people:profile")
    world.member.refresh_from_db()
    assert world.member.language == ""
    assert response.cookies[COOKIE].value == ""  # deleted
    assert "个人设置" in client.get(reverse("people:profile")).content.decode()


def test_an_unknown_language_or_an_outside_address_is_refused(world):
    client = world.client(world.member)
    assert client.post(reverse("accounts:language"), {"language": "fr"}).status_code == 400
    response = client.post(
        reverse("accounts:language"), {"language": "en", "next": "https://example.com/"}
    )
    assert response.url == reverse("people:profile")


def test_the_not_found_page_is_the_sites_own_in_the_active_language(world):
    client = world.client(world.member)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'href="/"' in page and "Not Found" not in page
    page = client.get("/no-such-page/", headers={"accept-language": "en"}).content.decode()
    assert "Page not found" in page and "Back to the home page" in page


def test_the_forbidden_page_is_the_sites_own_in_the_active_language(world):
    client = world.client(world.member)
    response = client.get(reverse("accounts:platform_accounts"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "返回首页" in page
    page = client.get(
        reverse("accounts:platform_accounts"), headers={"accept-language": "en"}
    ).content.decode()
    assert "Access denied" in page and "Back to the home page" in page


def test_a_csrf_failure_is_the_sites_own_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "tf01", "password": PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "返回首页" in page and "CSRF verification" not in page
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    page = client.post(reverse("login"), {"username": "tf01"}).content.decode()
    assert "This page has expired" in page


def test_the_server_error_page_stands_alone_in_the_active_language(db):
    request = RequestFactory().get("/")
    with translation.override(settings.LANGUAGE_CODE):
        page = server_error(request).content.decode()
    assert "服务器出错" in page and 'href="/"' in page
    with translation.override("en"):
        page = server_error(request).content.decode()
    assert "Server error" in page and "Back to the home page" in page
