import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from keyworks.core.validators import (
    CREDIT_CODE_CHARSET,
    PROJECT_CODE_RE,
    credit_code_check_char,
    is_safe_link,
    make_credit_code,
    normalize_code,
    validate_credit_code,
    validate_link,
    validate_non_negative,
    validate_project_code,
)

REAL_CREDIT_CODE = "91350100M000100Y43"  # hand-verified published example


@pytest.mark.parametrize("code", ["2401-410800-04-01-123456", "9912-000000-00-00-000000"])
def test_project_code_valid(code):
    validate_project_code(code)
    assert PROJECT_CODE_RE.fullmatch(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        None,
        "2401-41080-04-01-123456",
        "2401-410800-04-01-12345",
        "2401410800-04-01-123456",
        "2401-410800-04-01-123456 ",
        "24O1-410800-04-01-123456",
        "2401–410800–04–01–123456",  # en dashes: caller must normalise first
    ],
)
def test_project_code_format(code):
    with pytest.raises(ValidationError) as exc:
        validate_project_code(code)
    assert exc.value.code == "project_code_format"
    assert "项目代码格式不正确" in exc.value.messages[0]
    assert "项目代码格式不正确" in exc.value.messages[0]


@pytest.mark.parametrize("code", ["2400-410800-04-01-123456", "2413-410800-04-01-123456"])
def test_project_code_month(code):
    assert not PROJECT_CODE_RE.fullmatch(code)
    with pytest.raises(ValidationError) as exc:
        validate_project_code(code)
    assert exc.value.code == "project_code_month"


def validate_error(value):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    return exc.value.messages[0]


def test_normalize_code():
    assert normalize_code(" ２４０１－410800—04-01-123456\n") == "2401-410800-04-01-123456"
    assert normalize_code("91350100m000100y43") == REAL_CREDIT_CODE


def test_real_credit_code():
    assert credit_code_check_char(REAL_CREDIT_CODE[:17]) == "3"
    validate_credit_code(REAL_CREDIT_CODE)
    validate_credit_code(REAL_CREDIT_CODE.lower())


def test_check_char_31_maps_to_zero():
    # Search a body whose weighted sum is divisible by 31, i.e. check value 31 -> "0".
    for n in range(1000):
        body = f"91110000{n:09d}"
        if credit_code_check_char(body) == "0":
            validate_credit_code(body + "0")
            break
    else:  # pragma: no cover
        pytest.fail("no body with check char 0 found")


def test_wrong_check_char_names_expected():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(REAL_CREDIT_CODE[:17] + "4")
    assert exc.value.code == "credit_code_check"
    msg = exc.value.messages[0]
    assert "应为 3" in msg
    with translation.override("en"):
        assert "should be 3" in validate_error(REAL_CREDIT_CODE[:17] + "4")


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("", "credit_code_length"),
        (None, "credit_code_length"),
        (REAL_CREDIT_CODE[:17], "credit_code_length"),
        ("I1350100M000100Y43", "credit_code_charset"),
        ("91350100M000100O43", "credit_code_charset"),
        ("91350100M0001-0Y43", "credit_code_charset"),
    ],
)
def test_credit_code_bad_shape(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error_code


def test_check_char_rejects_bad_body():
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100Y")  # 16 chars
    with pytest.raises(ValueError):
        credit_code_check_char("91350100S000100Y4")


def test_make_credit_code():
    assert make_credit_code(REAL_CREDIT_CODE[:17].lower()) == REAL_CREDIT_CODE


def test_non_negative():
    from decimal import Decimal

    validate_non_negative(None)
    validate_non_negative(Decimal(0))
    validate_non_negative(3)
    with pytest.raises(ValidationError) as exc:
        validate_non_negative(Decimal("-0.01"))
    assert exc.value.code == "negative"


bodies = st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17)


@given(body=bodies, replacement=st.sampled_from(CREDIT_CODE_CHARSET))
def test_generated_codes_validate_and_check_char_matters(body, replacement):
    code = make_credit_code(body)
    validate_credit_code(code)
    if replacement != code[17]:
        with pytest.raises(ValidationError) as exc:
            validate_credit_code(code[:17] + replacement)
        assert exc.value.code == "credit_code_check"


SAFE_LINKS = ["/meetings/12/", "/", "https://www.jiaozuo.gov.cn/a?b=1#c", "HTTP://example.com"]
UNSAFE_LINKS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "\\\\evil.example",
    "http:evil.example",
    "https://",
    "http://[::1",
    "meetings/12/",
    "mailto:a@b.c",
]


@pytest.mark.parametrize("link", SAFE_LINKS)
def test_http_and_site_paths_are_safe_links(link):
    assert is_safe_link(link)
    validate_link(link)


@pytest.mark.parametrize("link", UNSAFE_LINKS)
def test_other_schemes_and_other_sites_paths_are_refused(link):
    assert not is_safe_link(link)
    with pytest.raises(ValidationError) as caught:
        validate_link(link)
    assert "链接须以" in caught.value.messages[0]


def test_blank_link_is_allowed_but_not_safe_to_render():
    validate_link("")
    assert not is_safe_link("") and not is_safe_link(None)
