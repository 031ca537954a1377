"""The file names of exports: the suffix each export must have, and the name the app proposes,
which never carries a respondent's data (a file name travels in mails, shares and recent-file
lists, whatever the document leaves out)."""

import unicodedata
import uuid
from datetime import date
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.export.options import SUMMARY, SYNTHESIS, WORKBOOK, export_name
from interviewer.file_safety import shown_path
from interviewer.i18n import tr

SUFFIX = {WORKBOOK: ".xlsx", SYNTHESIS: ".docx", SUMMARY: ".docx"}
NAME_BYTES = 255  # the longest file name most file systems take, in bytes (UTF-8 here)
STUDY_PART = 60  # characters of the study's name kept in a proposed name


def _safe_part(text: str, limit: int) -> str:
    """``text`` as a file-name part: letters and digits kept (NFC), every run of anything
    else one "-", at most ``limit`` characters, no "-" at either end."""
    kept, gap = [], False
    for character in unicodedata.normalize("NFC", text):
        if character.isalnum():
            kept.append(character)
            gap = False
        elif not gap and kept:
            kept.append("-")
            gap = True
    return "".join(kept[:limit]).strip("-")


def _within_bytes(stem: str, suffix: str) -> str:
    """``stem`` shortened (by whole characters) so that stem + suffix is at most NAME_BYTES
    bytes in UTF-8."""
    room = NAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    return stem.rstrip("-") + suffix


def suggested_file_name(
    kind: str,
    *,
    study_name: str = "",
    interview_id: uuid.UUID | None = None,
    today: date | None = None,
) -> str:
    """The file name (with its suffix) the app proposes for the export ``kind``: for one
    interview's summary ``interview-summary-<first 8 hex digits of its id>``, for a study
    export ``synthesis-<study>-<today>`` or ``workbook-<study>-<today>``. Never a respondent's
    name, municipality or interview date; at most NAME_BYTES bytes in UTF-8."""
    suffix = SUFFIX[kind]
    if kind == SUMMARY:
        short = uuid.UUID(str(interview_id)).hex[:8] if interview_id is not None else ""
        stem = "-".join(part for part in ("interview-summary", short) if part)
    else:
        study = _safe_part(study_name, STUDY_PART)
        day = (today or date.today()).isoformat()
        first = "workbook" if kind == WORKBOOK else "synthesis"
        stem = "-".join(part for part in (first, study, day) if part)
    return _within_bytes(stem, suffix)


def check_suffix(kind: str, path: Path) -> None:
    """Refuses (InterviewerError, one sentence) an output file whose suffix is not the one of
    the export ``kind`` (ignoring case): Word and Excel open a file by its suffix."""
    suffix = SUFFIX[kind]
    if Path(path).suffix.lower() != suffix:
        raise InterviewerError(
            tr(
                "{path}: {export} needs a file name ending in {suffix}",
                path=shown_path(path),
                export=export_name(kind),
                suffix=suffix,
            )
        )
