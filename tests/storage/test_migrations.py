"""A file written by an older schema opens with the current code and keeps every record."""

import json
import shutil
import sqlite3
from pathlib import Path

from sqlmodel import select

from interviewer.storage.database import current_revision, head_revision, open_database
from interviewer.storage.health import check_database
from interviewer.storage.models import (
    Answer,
    Challenge,
    CodebookEntry,
    Effect,
    Initiative,
    Interview,
    Interviewer,
    Quote,
    Rating,
    Study,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
MODELS = {
    "study": Study,
    "codebook_entry": CodebookEntry,
    "interviewer": Interviewer,
    "interview": Interview,
    "answer": Answer,
    "rating": Rating,
    "challenge": Challenge,
    "initiative": Initiative,
    "effect": Effect,
    "quote": Quote,
}


def test_the_first_revision_file_opens_with_every_record(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "schema_0001.sqlite", path)
    expected = json.loads((FIXTURES / "schema_0001.expected.json").read_text("utf-8"))
    database = open_database(path)
    assert current_revision(database.engine) == head_revision()
    with database.session() as session:
        for table, model in MODELS.items():
            found = sorted(record.id.hex for record in session.exec(select(model)))
            assert found == expected[table], table
        quotes = sorted(quote.text for quote in session.exec(select(Quote)))
        assert quotes == expected["_texts"]["quote"]
    database.close()
    assert check_database(path).healthy


def test_the_fixture_is_still_at_the_first_revision():
    connection = sqlite3.connect(f"{(FIXTURES / 'schema_0001.sqlite').as_uri()}?mode=ro", uri=True)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    connection.close()


def test_the_revisions_read_from_file_names_agree_with_alembic():
    from alembic.script import ScriptDirectory

    from interviewer.storage.database import alembic_config, known_revisions

    scripts = ScriptDirectory.from_config(alembic_config())
    assert known_revisions() == {script.revision for script in scripts.walk_revisions()}
    assert head_revision() == scripts.get_current_head()
