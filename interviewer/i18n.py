"""Translation of user-visible text: English source strings, other languages from resources/i18n.

Code marks text with ``tr("…")``; a catalog ``resources/i18n/<language>.toml`` maps each
English string to its translation. A test proves every catalog covers every marked string.
"""

import tomllib
from functools import cache

from interviewer.resources import resource

LANGUAGES = {"en": "English", "da": "Dansk"}
_language = "en"


@cache
def catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    text = resource("i18n", f"{language}.toml").read_text("utf-8")
    return tomllib.loads(text)["strings"]


def set_language(language: str) -> None:
    global _language
    _language = language if language in LANGUAGES else "en"


def language() -> str:
    return _language


def tr(text: str, *, lang: str | None = None, **values: object) -> str:
    """``text`` in ``lang`` (default: the app's current language), with ``{name}`` fields
    filled from ``values``. Exports pass ``lang``: a report has its own language."""
    translated = catalog(lang or _language).get(text, text)
    return translated.format(**values) if values else translated
