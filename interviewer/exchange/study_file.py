"""Study files: the study lead hands every interviewer the same study, guide and codebook
(and optionally the team's public key), so every bundle speaks the same codes."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import insert, select

from interviewer.codebook import CODEBOOK_FORMAT, Codebook, load_codebook
from interviewer.errors import InterviewerError, ResourceFileError
from interviewer.exchange.bundle import _study_json
from interviewer.exchange.crypto import load_public_key
from interviewer.exchange.limits import OutOfBounds, load_json
from interviewer.exchange.schema import CODES_PER_STUDY
from interviewer.exchange.signing import (
    CONFIRM_NEW,
    SENDER_RULES,
    install_senders,
    known_senders,
)
from interviewer.file_safety import (
    STUDY_FILE_LIMIT,
    check_output_path,
    read_input_file,
    shown_path,
)
from interviewer.files import write_whole
from interviewer.guide import load_guide, parse_guide
from interviewer.i18n import tr
from interviewer.interviews import current_study
from interviewer.record_rules import RECORD, value_problem
from interviewer.resources import default_guide
from interviewer.storage.database import open_database
from interviewer.storage.health import naming_bad_records
from interviewer.storage.models import (
    CodebookEntry,
    CodeKind,
    Interview,
    Interviewer,
    Provenance,
    SenderKey,
    Study,
)
from interviewer.text_rules import clean_name, interviewer_id

FORMAT, VERSION = "interviewer-study", 1
# Where an installed study came from is its provenance row (record_type "study"): the bundle
# it was adopted from, or STUDY_FILE for a study file. The default study, which the app sets
# up from resources/ (interviews.current_study), has none.
STUDY_RECORD, STUDY_FILE = "study", uuid.UUID(int=0)


class StudyRefused(InterviewerError):
    """A study (from a study file or a bundle) whose guide or codebook cannot be used;
    nothing was installed. ``reason`` is one sentence, starting in lower case."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


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
        with naming_bad_records(db_path), database.session() as session:
            study = current_study(session=session)
            if public_key_pem is not None:
                study.public_key_pem = public_key_pem.decode("ascii")
                session.add(study)
                session.commit()
            names = sorted({*map(clean_name, interviewers), *(p.name for p in study.interviewers)})
        with naming_bad_records(db_path), database.engine.connect() as connection:
            row = connection.execute(select(Study.__table__)).first()
            content = {
                "format": FORMAT,
                "format_version": VERSION,
                "study": _study_json(connection, row),
                "public_key_pem": row.public_key_pem,
                "interviewers": names,
                # the signing keys the centre knows, so another central database that
                # imports this file knows them too (exchange/signing.py)
                "senders": known_senders(connection, row.id),
                "sender_rule": row.sender_rule,
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
        content = load_json(raw, entry=shown_path(Path(study_path).name))  # bounded, as bundles
        study = content["study"]
        version = content.get("format_version")
        if content.get("format") != FORMAT or type(version) is not int or version != VERSION:
            raise ValueError
        study_id = uuid.UUID(study["id"])
        parse_guide(study["guide_toml"], name=f"{study_path} (its guide)")
    except OutOfBounds as refusal:
        raise InterviewerError(f"{shown_path(study_path)}: {refusal}") from None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InterviewerError(f"{shown_path(study_path)}: not an Interviewer study file") from None
    database = open_database(db_path, immediate=True)  # what it reads decides what it writes
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
            try:
                install_study(
                    connection,
                    study,
                    public_key_pem=content.get("public_key_pem"),
                    interviewers=content.get("interviewers", []),
                )
            except StudyRefused as refusal:
                raise InterviewerError(f"{shown_path(study_path)}: {refusal.reason}") from None
            install_senders(connection, study_id, content.get("senders", []))
            rule = content.get("sender_rule", CONFIRM_NEW)
            if rule not in SENDER_RULES:
                raise InterviewerError(
                    tr("{path}: not an Interviewer study file", path=shown_path(study_path))
                )
            connection.execute(Study.__table__.update().values(sender_rule=rule))
    finally:
        database.close()
    return study["name"]


def install_study(
    connection,
    study: dict,
    *,
    public_key_pem: str | None = None,
    interviewers=(),
    bundle_id: uuid.UUID | None = None,
    interviewer: str = "",
    device: str = "",
) -> None:
    """Makes a database without interviews hold ``study`` (as a study file or a bundle
    carries it), replacing whatever study it had, and records where it came from: the
    bundle ``bundle_id`` (from ``interviewer`` on ``device``), or a study file when None.
    Raises StudyRefused, before anything is written, for a guide or codebook that cannot
    be used (``check_study``)."""
    check_study(study)
    now = datetime.now(UTC)
    study_id = uuid.UUID(study["id"])
    connection.execute(CodebookEntry.__table__.delete())
    connection.execute(Interviewer.__table__.delete())
    connection.execute(Study.__table__.delete())
    provenance = Provenance.__table__
    connection.execute(provenance.delete().where(provenance.c.record_type == STUDY_RECORD))
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
        insert(provenance).values(
            record_id=study_id,
            record_type=STUDY_RECORD,
            bundle_id=bundle_id or STUDY_FILE,
            interviewer=interviewer if bundle_id else "",
            device=device if bundle_id else tr("a study file"),
            merged_at=now,
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


# the codebook file's list of each kind of code
_CODEBOOK_LISTS = {
    CodeKind.CHALLENGE_THEME: "challenge_themes",
    CodeKind.INITIATIVE_CATEGORY: "initiative_categories",
    CodeKind.SERVICE_AREA: "service_areas",
}


def check_study(study: dict) -> None:
    """Raises StudyRefused unless ``study`` (a study file's or a bundle's) can be used: its
    guide parses (``parse_guide``) and is the guide id and version the study names; its
    codebook follows the rules of a codebook file (``codebook.Codebook``: every kind of
    code the guides use present, codes unique within a kind, labels and descriptions in
    every language), and is the codebook id and version the study names; its name is one
    the record takes (not blank, one line, no control or bidi character)."""
    if reason := value_problem(RECORD["study"]["name"], study.get("name")):
        raise StudyRefused(tr("the study's name {reason}", reason=reason))
    if not isinstance(study.get("guide_toml"), str):
        raise StudyRefused(tr("the study has no guide"))
    try:
        guide = parse_guide(study["guide_toml"], name=tr("the study's guide"))
    except ResourceFileError as error:
        raise StudyRefused(str(error)) from None
    if (guide.id, guide.version) != (study.get("guide_id"), study.get("guide_version")):
        raise StudyRefused(
            tr(
                "the study's guide is {found}, not the guide it names ({named})",
                found=f"{guide.id} {guide.version}",
                named=f"{study.get('guide_id')} {study.get('guide_version')}",
            )
        )
    if isinstance(study.get("codes"), list) and len(study["codes"]) > CODES_PER_STUDY:
        raise StudyRefused(
            tr("a study's codebook has at most {limit} codes", limit=CODES_PER_STUDY)
        )
    lists: dict[str, list] = {name: [] for name in _CODEBOOK_LISTS.values()}
    try:
        for code in sorted(study["codes"], key=lambda code: code["position"]):
            lists[_CODEBOOK_LISTS[CodeKind(code["kind"])]].append(
                {
                    "code": code["code"],
                    "label": {"en": code["label_en"], "da": code["label_da"]},
                    "description": {"en": code["description_en"], "da": code["description_da"]},
                }
            )
        Codebook.model_validate(
            {
                "format": CODEBOOK_FORMAT,
                "format_version": 1,
                "id": study["codebook_id"],
                "version": study["codebook_version"],
                **lists,
            }
        )
    except ValidationError as error:
        problems = [
            f"'{'.'.join(map(str, problem['loc'])) or '(top level)'}': {problem['msg']}"
            for problem in error.errors()[:3]
        ]
        raise StudyRefused(
            tr("the study's codebook cannot be used: {problems}", problems="; ".join(problems))
        ) from None
    except (KeyError, TypeError, ValueError):  # a code of an unknown kind, a field missing
        raise StudyRefused(tr("the study's codebook cannot be used")) from None


def is_default_study(connection) -> bool:
    """Whether the database still holds the default study, as the app sets it up from
    resources/ (interviews.current_study) and nobody has chosen another: it came from no
    study file and no bundle (it has no provenance row), and its guide and codebook are
    the shipped ones unchanged, with no team key and no interviewers. Only such a study
    (or none) is replaced by the study of a bundle merged into it."""
    study = connection.execute(select(Study.__table__)).first()
    if study is None:
        return True
    provenance = Provenance.__table__
    if connection.execute(
        select(provenance.c.record_id).where(provenance.c.record_id == study.id)
    ).first():
        return False
    if study.public_key_pem or connection.execute(select(Interviewer.id)).first():
        return False
    if (
        study.sender_rule != CONFIRM_NEW
        or connection.execute(select(SenderKey.id).where(SenderKey.study_id == study.id)).first()
    ):  # a rule or a sender chosen for it: set up on purpose
        return False
    codebook = load_codebook()
    if (study.guide_toml, study.codebook_id, study.codebook_version) != (
        default_guide().read_text("utf-8"),
        codebook.id,
        codebook.version,
    ) or study.name != load_guide().title.en:
        return False
    shipped = {
        (str(kind), code.code, position, code.label.en, code.label.da)
        + (code.description.en, code.description.da)
        for kind in CodeKind
        for position, code in enumerate(codebook.codes(kind))
    }
    held = {
        (str(row.kind), row.code, row.position, row.label_en, row.label_da)
        + (row.description_en, row.description_da)
        for row in connection.execute(select(CodebookEntry.__table__))
    }
    return held == shipped
