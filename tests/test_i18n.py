"""Every user-visible string of the code is translated in every catalog the app ships."""

import ast
import string
from pathlib import Path

import pytest

from interviewer import i18n

PACKAGE = Path(i18n.__file__).parent


def marked_strings() -> set[str]:
    """The literal first arguments of every tr(...) call (or t(...), a local wrapper that
    passes a language) in the package."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("tr", "t")  # t: a local tr(lang=…)
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
            if (  # tr_n(one, many, count): both forms are shown
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "tr_n"
                and len(node.args) >= 2
            ):
                found.update(a.value for a in node.args[:2] if isinstance(a, ast.Constant))
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_code_marks_strings_for_translation():
    assert len(marked_strings()) > 10


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != "en"])
def test_every_catalog_loads_and_covers_every_string(language):
    catalog = i18n.catalog(language)
    missing = sorted(marked_strings() - catalog.keys())
    assert not missing, f"missing in {language}.toml: {missing}"
    for source, translated in catalog.items():
        assert translated.strip(), source
        assert fields(translated) == fields(source), source


def test_unused_catalog_entries_are_flagged():
    unused = set(i18n.catalog("da")) - marked_strings()
    assert not unused, f"no longer used by the code: {sorted(unused)}"


def test_tr_translates_and_fills_fields():
    i18n.set_language("da")
    try:
        assert i18n.tr("Cannot open the database") == "Databasen kan ikke åbnes"
        status = i18n.tr("{file} · {count} interviews · healthy", file="x.sqlite", count=3)
        assert status == "x.sqlite · 3 interviews · i orden"
    finally:
        i18n.set_language("en")


def test_a_field_may_be_named_like_the_text_parameter():
    assert i18n.tr("“{text}” is not a number", text="ca. 50") == "“ca. 50” is not a number"
