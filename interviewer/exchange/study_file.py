"""Study files: the study lead hands every interviewer the same study, guide and codebook
(and optionally the team's public key), so every bundle speaks the same codes."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from interviewer.errors import InterviewerError
from interviewer.exchange.bundle import _study_json
from interviewer.exchange.crypto import load_public_key
from interviewer.file_safety import (
    STUDY_FILE_LIMIT,
    check_output_path,
    read_input_file,
    shown_path,
)
from interviewer.files import write_whole
from interviewer.guide import parse_guide
from interviewer.i18n import tr
from interviewer.interviews import current_study
from interviewer.storage.database import open_database
from interviewer.storage.models import CodebookEntry, Interview, Interviewer, Study
from interviewer.text_rules import clean_name, interviewer_id

FORMAT, VERSION = "interviewer-study", 1


def export_study(
    db_path: Path,
    out_path: Path,
    *,
    public_key_pem: bytes | None = None,
    interviewers: list[str] = (),
) -> str:
    """Writes the study file; returns the study's name. With ``public_key_pem`` the study
    carries the central team's key, and bundles made from it are encrypted to that key."""
    check_output_path(Path(out_path), database=db_path, what=tr("the study file"))
    if public_key_pem is not None:
        load_public_key(public_key_pem)  # refuse a bad key now, not in the field
    # a rolling backup only before a write (the key); a plain export only reads
    database = open_database(db_path, backup=public_key_pem is not None)
    try:
        with database.session() as session:
            study = current_study(session=session)
            if public_key_pem is not None:
                study.public_key_pem = public_key_pem.decode("ascii")
                session.add(study)
                session.commit()
            names = sorted({*map(clean_name, interviewers), *(p.name for p in study.interviewers)})
        with database.engine.connect() as connection:
            row = connection.execute(select(Study.__table__)).first()
            content = {
                "format": FORMAT,
                "format_version": VERSION,
                "study": _study_json(connection, row),
                "public_key_pem": row.public_key_pem,
                "interviewers": names,
            }
    finally:
        database.close()
    text = json.dumps(content, indent=1, ensure_ascii=False)
    write_whole(Path(out_path), lambda partial: partial.write_text(text, "utf-8"))
    return content["study"]["name"]


def import_study(db_path: Path, study_path: Path) -> str:
    """Makes a database use the study of a study file. A database without interviews takes
    it whole (replacing the default study the app sets up); one with interviews refuses."""
    raw = read_input_file(Path(study_path), what=tr("the study file"), limit=STUDY_FILE_LIMIT)
    try:
        content = json.loads(raw.decode("utf-8"))
        study = content["study"]
        if content.get("format") != FORMAT or content.get("format_version") != VERSION:
            raise ValueError
        study_id = uuid.UUID(study["id"])
        parse_guide(study["guide_toml"], name=f"{study_path} (its guide)")
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InterviewerError(f"{shown_path(study_path)}: not an Interviewer study file") from None
    database = open_database(db_path)
    try:
        with database.engine.begin() as connection:
            held = connection.execute(select(Study.id, Study.name)).first()
            has_interviews = connection.execute(select(Interview.id)).first() is not None
            if held is not None and held.id != study_id and has_interviews:
                raise InterviewerError(
                    f"{db_path} already belongs to the study {held.name!r}; a database "
                    "holds one study"
                )
            if has_interviews:
                raise InterviewerError(
                    f"{db_path} already has interviews for this study; its guide and "
                    "codebook stay as they are"
                )
            install_study(
                connection,
                study,
                public_key_pem=content.get("public_key_pem"),
                interviewers=content.get("interviewers", []),
            )
    finally:
        database.close()
    return study["name"]


def install_study(
    connection, study: dict, *, public_key_pem: str | None = None, interviewers=()
) -> None:
    """Makes a database without interviews hold ``study`` (as a study file or a bundle
    carries it), replacing whatever study it had."""
    now = datetime.now(UTC)
    study_id = uuid.UUID(study["id"])
    connection.execute(CodebookEntry.__table__.delete())
    connection.execute(Interviewer.__table__.delete())
    connection.execute(Study.__table__.delete())
    connection.execute(
        insert(Study.__table__).values(
            id=study_id,
            created_at=now,
            updated_at=now,
            name=study["name"],
            guide_id=study["guide_id"],
            guide_version=study["guide_version"],
            guide_toml=study["guide_toml"],
            codebook_id=study["codebook_id"],
            codebook_version=study["codebook_version"],
            public_key_pem=public_key_pem,
        )
    )
    connection.execute(
        insert(CodebookEntry.__table__),
        [
            dict(id=uuid.uuid4(), created_at=now, updated_at=now, study_id=study_id, **code)
            for code in study["codes"]
        ],
    )
    for name in dict.fromkeys(map(clean_name, interviewers)):  # one person, one row
        connection.execute(
            insert(Interviewer.__table__).values(
                id=interviewer_id(study_id, name),
                study_id=study_id,
                name=clean_name(name),
                created_at=now,
                updated_at=now,
            )
        )
