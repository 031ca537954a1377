"""The file names of exports: the suffix each must have, and the names the app proposes,
which hold no respondent's data and always fit a file system (breaker11 F5, F12)."""

import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.errors import InterviewerError
from interviewer.export.file_names import NAME_BYTES, SUFFIX, check_suffix, suggested_file_name
from interviewer.export.options import SUMMARY, SYNTHESIS, WORKBOOK


@given(study=st.text(max_size=400), kind=st.sampled_from([WORKBOOK, SYNTHESIS]))
def test_a_study_exports_name_fits_any_file_system_and_keeps_its_suffix(study, kind):
    name = suggested_file_name(kind, study_name=study, today=date(2026, 12, 1))
    assert len(name.encode("utf-8")) <= NAME_BYTES
    assert name.endswith(f"-2026-12-01{SUFFIX[kind]}")
    assert name.startswith("workbook-" if kind == WORKBOOK else "synthesis-")
    # no separator, no character Windows refuses, no control character, no leading dot
    assert not set(name) & set('/\\\\:*?"<>|') and name.isprintable()
    assert Path(name).name == name and not name.startswith(".")


def test_the_study_name_is_kept_in_its_own_letters():
    name = suggested_file_name(
        SYNTHESIS, study_name="Tværgående  indsatser / Ærø 2017", today=date(2017, 1, 2)
    )
    assert name == "synthesis-Tværgående-indsatser-Ærø-2017-2017-01-02.docx"
    assert suggested_file_name(WORKBOOK, study_name="", today=date(2017, 1, 2)) == (
        "workbook-2017-01-02.xlsx"
    )


def test_a_summarys_name_is_its_interviews_short_id_only():
    interview = uuid.UUID("1f2e490cdb0f4126ab82ed5c7da5ad52")
    assert suggested_file_name(SUMMARY, interview_id=interview) == "interview-summary-1f2e490c.docx"


@pytest.mark.parametrize(
    ("kind", "name", "taken"),
    [
        (WORKBOOK, "study.xlsx", True),
        (WORKBOOK, "STUDY.XLSX", True),
        (WORKBOOK, "study.docx", False),
        (WORKBOOK, "study", False),
        (WORKBOOK, "study.xlsx.txt", False),
        (SYNTHESIS, "report.Docx", True),
        (SYNTHESIS, "report.xlsx", False),
        (SYNTHESIS, "notes.txt", False),
        (SUMMARY, "one.docx", True),
        (SUMMARY, "one.doc", False),
    ],
)
def test_an_export_is_written_only_under_its_own_suffix(kind, name, taken):
    if taken:
        check_suffix(kind, Path(name))
        return
    with pytest.raises(InterviewerError) as refused:
        check_suffix(kind, Path(name))
    assert f"needs a file name ending in {SUFFIX[kind]}" in str(refused.value)
    assert "\n" not in str(refused.value)
