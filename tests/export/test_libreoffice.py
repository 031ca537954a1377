"""Every kind of exported file opens in LibreOffice: converted to PDF, headless."""

import re
import shutil
import subprocess

import pytest

from interviewer.export.docx_interview import write_interview_docx
from interviewer.export.docx_synthesis import write_synthesis_docx
from interviewer.export.options import ExportOptions, InterviewFilter
from interviewer.export.xlsx_workbook import write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed here (apt-get "
    "install libreoffice-writer libreoffice-calc to run this test)",
)
def test_word_and_excel_exports_open_in_libreoffice(awkward_db, demo_db, tmp_path):
    path, awkward_id = awkward_db
    files = [tmp_path / "summary.docx", tmp_path / "synthesis.docx", tmp_path / "study.xlsx"]
    write_interview_docx(path, files[0], awkward_id, ExportOptions(language="da"))
    write_synthesis_docx(
        demo_db, files[1], ExportOptions(filter=InterviewFilter(service_areas=("disability",)))
    )
    write_workbook(path, files[2])
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for file in files:
        pdf = tmp_path / "pdf" / f"{file.stem}.pdf"
        assert pdf.exists(), f"LibreOffice could not open {file.name}: {result.stderr}"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 1
