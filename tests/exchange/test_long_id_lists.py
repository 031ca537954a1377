"""No statement binds a list of ids one value each: SQLite refuses a statement with more bound
values than SQLITE_MAX_VARIABLE_NUMBER, and a bundle's every record is a long list.

The limit is lowered to a few values for every connection of this process, so a list bound
one value each, anywhere on the way from the field to the centre and on to the exports,
fails here with a few dozen records rather than in the field with a quarter of a million."""

import sqlite3
import uuid

import pytest
from sqlalchemy import Engine, event

from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.export.docx_synthesis import write_synthesis_docx
from interviewer.export.options import ExportOptions, InterviewFilter
from interviewer.export.xlsx_workbook import write_workbook
from tests.exchange.conftest import field_database

LIMIT = 40  # bound values a statement may hold here; the 30 interviews hold far more records


@pytest.fixture
def few_bound_values():
    def lower(dbapi_connection, _record):
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LIMIT)

    event.listen(Engine, "connect", lower)
    yield
    event.remove(Engine, "connect", lower)


def test_a_bundle_of_many_records_is_written_merged_and_exported(
    tmp_path, study_file, few_bound_values
):
    field = field_database(tmp_path, study_file, "mette", seed=3, interviews=30)
    bundle = tmp_path / "mette.bundle"
    assert write_bundle(field, bundle, interviewer="Mette", plain=True) == 30
    central = tmp_path / "central.sqlite"
    first = merge_bundles(central, [bundle])
    assert first.total("added") == 30, first.lines()
    again = merge_bundles(central, [bundle])
    assert again.total("added") + again.total("updated") + again.total("conflicts") == 0
    with sqlite3.connect(central) as connection:
        ids = [uuid.UUID(row[0]) for row in connection.execute("SELECT id FROM interview")]
        records = connection.execute("SELECT count(*) FROM provenance").fetchone()[0]
    assert records > LIMIT  # every record remembered where it came from
    chosen = InterviewFilter(interview_ids=tuple(ids))
    counts = write_workbook(central, tmp_path / "chosen.xlsx", ExportOptions(filter=chosen))
    assert counts["interviews"] == 30
    assert (
        write_synthesis_docx(central, tmp_path / "chosen.docx", ExportOptions(filter=chosen)) == 30
    )
