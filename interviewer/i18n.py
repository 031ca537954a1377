"""Translation of user-visible text: English source strings, other languages from resources/i18n.

Code marks text with ``tr("…")``; a catalog ``resources/i18n/<language>.toml`` (with any
``<language>-<part>.toml`` beside it) maps each English string to its translation. A test proves
every catalog covers every marked string, and that no string is translated twice.
"""

import tomllib
from functools import cache

from interviewer.resources import resource

LANGUAGES = {"en": "English", "da": "Dansk"}
_language = "en"


def catalog_files(language: str) -> list:
    """The catalog files of ``language``: ``<language>.toml`` first, then its parts."""
    folder = resource("i18n")
    parts = sorted(
        (
            f
            for f in folder.iterdir()
            if f.name.startswith(f"{language}-") and f.name.endswith(".toml")
        ),
        key=lambda f: f.name,
    )
    return [folder.joinpath(f"{language}.toml"), *parts]


@cache
def catalog(language: str) -> dict[str, str]:
    """English text → its translation in ``language``; raises ValueError when two catalog
    files translate the same text."""
    if language == "en":
        return {}
    strings: dict[str, str] = {}
    for file in catalog_files(language):
        part = tomllib.loads(file.read_text("utf-8"))["strings"]
        twice = sorted(strings.keys() & part.keys())
        if twice:
            raise ValueError(f"{file.name} translates again: {twice}")
        strings.update(part)
    return strings


def set_language(language: str) -> None:
    global _language
    _language = language if language in LANGUAGES else "en"


def language() -> str:
    return _language


def tr(text: str, /, *, lang: str | None = None, **values: object) -> str:
    """``text`` in ``lang`` (default: the app's current language), with ``{name}`` fields
    filled from ``values``. Exports pass ``lang``: a report has its own language. ``text`` is
    positional-only, so a field may itself be called ``text``."""
    translated = catalog(lang or _language).get(text, text)
    return translated.format(**values) if values else translated


def tr_n(one: str, many: str, /, count: int, *, lang: str | None = None, **values: object) -> str:
    """A count said right: ``one`` (the text for exactly 1) or ``many`` (every other count),
    translated as ``tr`` does, with ``{count}`` and ``values`` filled. English and Danish both
    use the singular for 1 alone; a language with more forms would add its rule here."""
    return tr(one if count == 1 else many, lang=lang, count=count, **values)
