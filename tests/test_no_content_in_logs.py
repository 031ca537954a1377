"""No record content in any message or log, whatever fails: marker text typed into every
field of an interview (through the services) is then driven through every ordinary failure
(a read-only file and folder, a full disk, a lock held by another program, a full backups
folder, a failing merge, a failing export, a failed autosave in the app), by real processes;
their stderr and the log files hold no trace of it. The statements that fail carry the
marker as values, so SQLAlchemy's message would quote it without ``hide_parameters``."""

import logging
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from interviewer import interviews as svc
from interviewer.paths import log_dir
from interviewer.storage.database import open_database
from interviewer.storage.failures import ContentFreeLogFilter, backups_root
from interviewer.storage.models import CodeKind
from tests.permissions import run_as_normal_user
from tests.storage.test_failures import (
    NO_ROOM_LEFT,
    cli,
    hold_lock,
    on_full_disk,
    release,
    run,
    run_as_user,
    small_disk_available,
)

MARKER = f"ZQXMARKER-{uuid.uuid4().hex}"
APP_DRIVER = Path(__file__).parent / "ui" / "content_driver.py"


def marked(field: str) -> str:
    return f"{MARKER} {field}"


def fill_every_field(path: Path) -> uuid.UUID:
    """An interview whose every text field holds the marker."""
    database = open_database(path)
    with database.session() as session:
        study = svc.current_study(session=session)
        area = svc.study_codes(session=session, study=study, kind=CodeKind.SERVICE_AREA)[0]
        theme = svc.study_codes(session=session, study=study, kind=CodeKind.CHALLENGE_THEME)[0]
        interview = svc.create_interview(
            session=session,
            study=study,
            interviewer=svc.interviewer_named(session=session, study=study, name=marked("i")),
            respondent_role=marked("role"),
            respondent_name=marked("name"),
            service_area=area.code,
            municipality=marked("municipality"),
            location=marked("location"),
            interview_date=date(2026, 3, 2),
            consent_given=True,
            consent_date=date(2026, 3, 2),
        )
        for question in svc.study_guide(study).questions:
            svc.set_notes(
                session=session,
                interview_id=interview.id,
                question_key=question.key,
                notes=marked(f"notes {question.key}"),
            )
        challenge = svc.add_challenge(
            session=session,
            interview_id=interview.id,
            title=marked("challenge"),
            description=marked("challenge description"),
            theme_code=theme.code,
        )
        initiative = svc.add_initiative(
            session=session,
            interview_id=interview.id,
            title=marked("initiative"),
            description=marked("initiative description"),
        )
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            description=marked("effect"),
            metric=marked("metric"),
            baseline=50,
            current=7,
            unit=marked("unit"),
            period=marked("period"),
        )
        svc.add_quote(
            session=session,
            interview_id=interview.id,
            text=marked("quote"),
            speaker_role=marked("speaker"),
            challenge_id=challenge.id,
            use_in_report=True,
        )
    database.close()
    return interview.id


@pytest.fixture
def field_db(tmp_path):
    path = tmp_path / "field" / "study.sqlite"
    path.parent.mkdir()
    fill_every_field(path)
    connection = sqlite3.connect(path)
    assert MARKER in "".join(connection.iterdump())  # the marker is really in the file
    connection.close()
    return path


@pytest.fixture
def bundle(field_db, tmp_path):
    out = tmp_path / "from-the-field.bundle"
    made = run("export", "bundle", "--db", field_db, "-o", out, "--plain")
    assert made.returncode == 0, made.stderr
    return out


def central(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name / "central.sqlite"
    path.parent.mkdir(parents=True)
    open_database(path).close()
    return path


def test_no_failure_writes_record_content_to_stderr_or_the_log(field_db, bundle, tmp_path):
    outputs: list[str] = []

    def seen(result: subprocess.CompletedProcess, *, failed: bool = True) -> None:
        outputs.append(result.stderr + result.stdout)  # a merge reports each bundle on stdout
        assert "Traceback" not in result.stderr, result.stderr
        if failed:
            assert result.returncode != 0 or "rc=1" in result.stdout, result.stdout

    # a merge into a read-only folder, a read-only file, with a lock held
    folder_db = central(tmp_path, "ro-folder")
    folder_db.parent.chmod(0o555)
    try:
        seen(run_as_user("merge", "--db", folder_db, bundle))
        seen(run_as_user("demo", "--db", folder_db, "--interviews", 1))
    finally:
        folder_db.parent.chmod(0o755)
    file_db = central(tmp_path, "ro-file")
    file_db.chmod(0o444)
    try:
        seen(run_as_user("merge", "--db", file_db, bundle))
    finally:
        file_db.chmod(0o644)
    locked_db = central(tmp_path, "locked")
    holder = hold_lock(locked_db)
    try:
        seen(run("merge", "--db", locked_db, bundle))
    finally:
        release(holder)

    # a failing merge: a damaged bundle
    damaged = tmp_path / "damaged.bundle"
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    damaged.write_bytes(bytes(data))
    seen(run("merge", "--db", central(tmp_path, "damaged"), damaged))

    # failing exports: into a folder that cannot be written
    out = tmp_path / "no-write"
    out.mkdir(mode=0o555)
    try:
        for kind in ("xlsx", "docx"):
            seen(run_as_user("export", kind, "--db", field_db, "-o", out / f"x.{kind}"))
        seen(run_as_user("export", "bundle", "--db", field_db, "-o", out / "b.bundle", "--plain"))
    finally:
        out.chmod(0o755)

    # a database that cannot grow: the merge's INSERTs, carrying the marker, fail
    seen(
        subprocess.run(
            [sys.executable, "-c", NO_ROOM_LEFT, "merge", "--db", str(central(tmp_path, "nr")),
             str(bundle)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    )  # fmt: skip

    # a full disk, and a full backups folder
    if small_disk_available() is None:
        disk = tmp_path / "small"
        full_db = central(tmp_path, "to-fill")
        seen(
            on_full_disk(
                disk,
                cli("merge", "--db", disk / "central.sqlite", bundle),
                cli("export", "xlsx", "--db", field_db, "-o", disk / "x.xlsx"),
                cli("export", "docx", "--db", field_db, "-o", disk / "x.docx"),
                copy_in=[full_db],
            )
        )
        seen(on_full_disk(backups_root(), cli("merge", "--db", central(tmp_path, "b"), bundle)))
    else:  # the other paths still count; say what was left out
        outputs.append("")
        print(f"full-disk paths skipped: {small_disk_available()}")

    # the app: a failed autosave of typed marker text, a file on read-only media
    app_db = tmp_path / "app" / "study.sqlite"
    shutil.copytree(field_db.parent, app_db.parent)
    driver = [sys.executable, str(APP_DRIVER), str(app_db), MARKER]
    typed = run_as_normal_user(driver, timeout=120)
    seen(typed, failed=False)
    outputs.append(typed.stdout)  # the messages the app showed
    assert "refused Not saved:" in typed.stdout, typed.stdout + typed.stderr
    assert typed.stdout.count("failed ") == 2 and "dialog " in typed.stdout, typed.stdout
    app_db.parent.chmod(0o555)
    try:
        on_media = run_as_normal_user(driver, timeout=120)
    finally:
        app_db.parent.chmod(0o755)
    seen(on_media, failed=False)
    assert "read_only" in on_media.stdout, on_media.stdout + on_media.stderr

    logs = [p for p in log_dir().rglob("*") if p.is_file()] if log_dir().exists() else []
    assert logs, "the app wrote no log to check"
    for text in [*outputs, *(p.read_text("utf-8", errors="replace") for p in logs)]:
        assert MARKER not in text, text


def test_the_log_filter_keeps_exception_messages_and_sql_values_out(tmp_path):
    """A handler with the filter, fed what careless code would log: an exception with content
    as a value, as the message, with its traceback, and SQLAlchemy's echo of a statement."""
    from sqlalchemy import create_engine, text

    written = tmp_path / "filtered.log"
    handler = logging.FileHandler(written)
    handler.addFilter(ContentFreeLogFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        log = logging.getLogger("interviewer.test")
        error = ValueError(f"could not read {MARKER}")
        log.warning("failed: %s", error)
        log.warning(error)
        try:
            raise error
        except ValueError:
            log.exception("while saving")
        engine = create_engine("sqlite://", echo=True, hide_parameters=False)
        with engine.connect() as connection:
            connection.execute(text("SELECT :typed"), {"typed": MARKER})
        engine.dispose()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    lines = written.read_text("utf-8")
    assert "failed: ValueError" in lines and "while saving" in lines
    assert "test_no_content_in_logs.py" in lines  # where it happened stays
    assert MARKER not in lines
