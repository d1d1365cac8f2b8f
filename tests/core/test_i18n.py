"""The UI speaks one language at a time: Chinese by default, English as a complete translation.

Messages are written in Chinese (the msgid) and translated in each app's catalogue,
`src/keyworks/<app>/locale/en/LC_MESSAGES/django.po`, compiled beside it (`make messages`).
Templates under `templates/<app>/` belong to that app; the site's shared templates to `core`.
Each check runs per app, so an app can be converted on its own."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.translation.template import templatize

SRC = Path(__file__).resolve().parents[2] / "src" / "keyworks"
TEMPLATES = SRC / "templates"
APPS = sorted(
    path.name
    for path in SRC.iterdir()
    if path.is_dir() and (path / "__init__.py").exists() and path.name not in {"static"}
)
SHARED_TEMPLATE_APP = "core"

HAN = re.compile(r"[\u4e00-\u9fff]")
# Product and format names a Chinese label may carry as they are ("导出 Excel").
NAMES = {
    "API", "CSV", "Excel", "EXIF", "GeoJSON", "GPS", "ID", "JSON", "OpenAPI", "PDF", "PNG", "URL",
    "Word",
}  # fmt: skip
# "月报汇总表 / Summary", "提交 Submit": Chinese, then English words to the end of the text.
SLASHED = re.compile(
    r"[\u4e00-\u9fff）】」》。，；：！？]\s*/\s*([A-Za-z][A-Za-z0-9 ,.;:'’()?!&-]*)"
)
TRAILING = re.compile(r"[\u4e00-\u9fff）】」》。，；：！？]\s+([A-Za-z][A-Za-z0-9 ,.;:'’()?!&-]*)$")
GETTEXT_NAMES = {
    "_": (0, None, None),
    "gettext": (0, None, None),
    "gettext_lazy": (0, None, None),
    "gettext_noop": (0, None, None),
    "ngettext": (0, 1, None),
    "ngettext_lazy": (0, 1, None),
    "pgettext": (1, None, 0),
    "pgettext_lazy": (1, None, 0),
    "npgettext": (1, 2, 0),
    "npgettext_lazy": (1, 2, 0),
}


def english_tail(text: str) -> str | None:
    """The English half of a side-by-side label in `text`, if it has one."""
    for pattern in (SLASHED, TRAILING):
        for match in pattern.finditer(text.strip()):
            words = re.findall(r"[A-Za-z]+", match.group(1))
            if words and not all(word in NAMES for word in words):
                return match.group(1)
    return None


def python_files(app: str) -> Iterator[Path]:
    for path in sorted((SRC / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def template_files(app: str) -> Iterator[Path]:
    roots = [TEMPLATES / app, SRC / app / "templates"]
    if app == SHARED_TEMPLATE_APP:
        yield from sorted(p for p in TEMPLATES.glob("*.html"))
        roots.append(TEMPLATES / "registration")
    for root in roots:
        if root.exists():
            yield from sorted(root.rglob("*.html"))


def docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def python_strings(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value


def python_messages(path: Path) -> Iterator[tuple[int, str | None, str, str | None]]:
    """(line, context, msgid, plural) of each gettext call with literal arguments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        singular, plural, context = GETTEXT_NAMES[name]

        def literal(index, args=node.args):
            if index is None or index >= len(args):
                return None
            arg = args[index]
            is_text = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            return arg.value if is_text else None

        msgid = literal(singular)
        if msgid is not None:
            yield node.lineno, literal(context), msgid, literal(plural)


def template_text(path: Path) -> Iterator[tuple[int, str]]:
    """Text the template writes itself (not inside translate blocks, tags or comments)."""
    inside_block = False
    for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if name in {"blocktranslate", "blocktrans"}:
                inside_block = True
            elif name in {"endblocktranslate", "endblocktrans"}:
                inside_block = False
        elif token.token_type == TokenType.TEXT and not inside_block:
            yield token.lineno, token.contents


STRING = re.compile(r"""\s*,?\s*u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
CALL = re.compile(r"\b(gettext|ngettext|pgettext|npgettext)\(")


def template_messages(path: Path) -> Iterator[tuple[int, str | None, str, str | None]]:
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for call in CALL.finditer(code):
        args, position = [], call.end()
        while match := STRING.match(code, position):
            args.append(ast.literal_eval(match.group(1)))
            position = match.end()
        singular, plural, context = GETTEXT_NAMES[call.group(1)]
        if len(args) > singular:
            yield (
                code.count("\n", 0, call.start()) + 1,
                args[context] if context is not None else None,
                args[singular],
                args[plural] if plural is not None and len(args) > plural else None,
            )


def translated(context: str | None, msgid: str, plural: str | None) -> list[str]:
    with translation.override("en"):
        if plural is not None:
            if context is not None:
                return [translation.npgettext(context, msgid, plural, n) for n in (1, 2)]
            return [translation.ngettext(msgid, plural, n) for n in (1, 2)]
        if context is not None:
            return [translation.pgettext(context, msgid)]
        return [translation.gettext(msgid)]


def relative(path: Path) -> str:
    return str(path.relative_to(SRC))


@pytest.mark.parametrize("app", APPS)
def test_no_label_is_written_in_two_languages_side_by_side(app):
    found = []
    for path in python_files(app):
        for line, text in python_strings(path):
            if HAN.search(text) and english_tail(text):
                found.append(f"{relative(path)}:{line}: {text!r}")
    for path in template_files(app):
        for line, text in template_text(path):
            for piece in re.split(r"<[^>]*>", text):
                if HAN.search(piece) and english_tail(piece):
                    found.append(f"{relative(path)}:{line}: {piece.strip()!r}")
        for line, _context, msgid, _plural in template_messages(path):
            if english_tail(msgid):
                found.append(f"{relative(path)}:{line}: {msgid!r}")
    assert not found, "Chinese and English side by side:\n" + "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_templates_write_chinese_only_through_the_catalogue(app):
    found = []
    for path in template_files(app):
        for line, text in template_text(path):
            if HAN.search(text):
                first = next(piece for piece in text.splitlines() if HAN.search(piece))
                found.append(f"{relative(path)}:{line}: {first.strip()[:80]!r}")
    assert not found, "Chinese outside {% translate %}:\n" + "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_every_chinese_message_has_its_english_translation(app):
    missing = []
    sources = [(path, python_messages(path)) for path in python_files(app)]
    sources += [(path, template_messages(path)) for path in template_files(app)]
    for path, messages in sources:
        for line, context, msgid, plural in messages:
            if not HAN.search(msgid):
                continue
            for english in translated(context, msgid, plural):
                if english == msgid or HAN.search(english):
                    missing.append(f"{relative(path)}:{line}: {msgid!r}")
                    break
    assert not missing, "No English translation:\n" + "\n".join(missing)


def catalogues() -> list[Path]:
    return sorted(SRC.rglob("locale/*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po_path", catalogues(), ids=relative)
def test_compiled_catalogue_matches_its_source(po_path):
    po = polib.pofile(str(po_path))
    assert not po.fuzzy_entries(), f"{relative(po_path)} has fuzzy entries, which are not compiled"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{relative(mo_path)} is missing: run `make messages`"
    expected = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(mo_path))
    }
    compiled.pop((None, ""), None)  # the header
    assert compiled == expected, f"{relative(mo_path)} is out of date: run `make messages`"


def test_one_chinese_message_reads_the_same_in_every_catalogue():
    """Django merges the apps' catalogues and the first app wins: a message translated
    differently in two apps would silently read the other app's words. Messages that mean
    different things carry a context (`pgettext("change log", "退回")`)."""
    translations: dict[tuple, dict[str, str]] = {}
    for po_path in catalogues():
        app = po_path.relative_to(SRC).parts[0]
        for entry in polib.pofile(str(po_path)).translated_entries():
            translations.setdefault((entry.msgctxt, entry.msgid), {})[app] = entry.msgstr
    differing = {key: apps for key, apps in translations.items() if len(set(apps.values())) > 1}
    assert not differing, "\n".join(f"{key}: {apps}" for key, apps in differing.items())
