"""The data files the app ships (guides, codebooks, translations), found where they are installed.

This folder is installed as the package ``interviewer.resources``; code reads files through here.
"""

from importlib import resources
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """A file under resources/, e.g. ``resource("guides", "default.toml")``."""
    return resources.files("interviewer.resources").joinpath(*parts)


def default_guide() -> Traversable:
    return resource("guides", "default.toml")


def default_codebook() -> Traversable:
    return resource("codebooks", "default.toml")


def municipalities() -> list[str]:
    """Denmark's municipalities, for completion; free text is allowed all the same."""
    lines = resource("municipalities.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
