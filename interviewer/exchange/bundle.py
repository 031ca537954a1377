"""Bundles: an interviewer's interviews in one file, for the central team.

Plain, a bundle is a zip holding manifest.json (format, bundle id, who, which device, when,
the study, the SHA-256 of data.json, and the sender's Ed25519 signature of it with the public
key and interviewer id it proves: exchange/signing.py) and data.json (the study with its
guide and codebook, and each interview as a document with its revision and ancestry), checked
against resources/schemas/bundle-1.schema.json when read. Encrypted, it is that zip sealed by
exchange/crypto.py. Reading refuses anything damaged, tampered with, of another format or
version, or locked with another key, with a message naming the file and the reason.
"""

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from interviewer.errors import FileRefused, InterviewerError
from interviewer.exchange import crypto, signing
from interviewer.exchange.documents import content_hash, interview_documents, last_change
from interviewer.exchange.limits import OutOfBounds, load_json, payload_problem, read_entries
from interviewer.exchange.manifest import data_problem, manifest_problem
from interviewer.exchange.schema import ANCESTRY_KEPT, over_caps, schema_problem
from interviewer.file_safety import BUNDLE_LIMIT, check_output_path, read_input_file, shown_path
from interviewer.files import write_whole
from interviewer.i18n import tr
from interviewer.paths import device_label
from interviewer.storage.database import open_database
from interviewer.storage.health import naming_bad_records, refuse_bad_records
from interviewer.storage.id_lists import among
from interviewer.storage.models import (
    CodebookEntry,
    Interview,
    Interviewer,
    InterviewRevision,
    Study,
)
from interviewer.text_rules import clean_name, interviewer_id

FORMAT, DATA_FORMAT, VERSION = "interviewer-bundle", "interviewer-bundle-data", 1


class BundleRefused(InterviewerError):
    def __init__(self, path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{shown_path(Path(path).name)}: {reason}")


class PlainBundleRefused(InterviewerError):
    """A bundle would have gone out unencrypted without anyone choosing that."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"{shown_path(path)}: "
            + tr(
                "not written: this study has no key of the central team and no password "
                "was given, so the bundle would travel unencrypted, respondents' names "
                "readable to anyone who gets the file; give a password or the team's public "
                'key, or choose to send it unencrypted (--plain, or "Not encrypted" in '
                "the app)"
            )
        )


@dataclass
class Bundle:
    path: Path
    manifest: dict
    data: dict
    checksum: str

    @property
    def bundle_id(self) -> uuid.UUID:
        return uuid.UUID(self.manifest["bundle_id"])


# ---------------------------------------------------------------- revisions


def record_revisions(connection: Connection, documents: dict[uuid.UUID, dict]) -> dict:
    """Gives each interview whose content changed since its last revision a new revision
    that remembers the one it replaced; returns {interview id: (revision, ancestry)}."""
    table, revisions = Interview.__table__, InterviewRevision.__table__
    current = dict(
        connection.execute(
            select(table.c.id, table.c.revision).where(among(table.c.id, documents))
        ).all()
    )
    result = {}
    for interview_id, document in documents.items():
        revision = content_hash(document)
        if revision != current.get(interview_id):
            connection.execute(
                revisions.insert()
                .prefix_with("OR IGNORE")
                .values(
                    interview_id=interview_id,
                    revision=revision,
                    parent=current.get(interview_id),
                    recorded_at=datetime.now(UTC),
                )
            )
            connection.execute(
                table.update().where(table.c.id == interview_id).values(revision=revision)
            )
        result[interview_id] = revision
    parents: dict[uuid.UUID, dict[str, str | None]] = {}
    for interview_id, revision, parent in connection.execute(
        select(
            InterviewRevision.interview_id, InterviewRevision.revision, InterviewRevision.parent
        ).where(among(InterviewRevision.interview_id, documents))
    ):
        parents.setdefault(interview_id, {})[revision] = parent
    return {
        interview_id: (revision, _chain(parents.get(interview_id, {}), revision))
        for interview_id, revision in result.items()
    }


def _named_interviewers(documents: dict, study_id: uuid.UUID, sender: str) -> set[uuid.UUID]:
    """The interviewers a bundle of ``documents`` lists: those its interviews name and its
    sender (``interviewer_id`` of the study and the sender's name)."""
    named = {interviewer_id(study_id, sender)} if clean_name(sender) else set()
    for document in documents.values():
        if (person := document["interview"].get("interviewer_id")) is not None:
            named.add(uuid.UUID(person))
    return named


def _chain(parents: dict[str, str | None], revision: str) -> list[str]:
    """The revision and the ones before it, newest first, from revision → parent links."""
    chain, seen = [revision], {revision}
    while (parent := parents.get(chain[-1])) and parent not in seen and len(chain) < ANCESTRY_KEPT:
        chain.append(parent)
        seen.add(parent)
    return chain


# ---------------------------------------------------------------- writing


def write_bundle(
    db_path: Path,
    out_path: Path,
    *,
    since: date | None = None,
    password: str | None = None,
    public_key_pem: bytes | None = None,
    interviewer: str = "",
    plain: bool = False,
    signing_key: signing.SigningKey | None = None,
) -> int:
    """Writes a bundle of the interviews changed on or after ``since`` (all without it),
    plain or encrypted; returns how many interviews it holds. Deleted interviews travel
    too, marked deleted, so a deletion reaches the centre. Without a password or key, a
    study that carries the central team's public key is encrypted to that key. A bundle
    is written unencrypted only when ``plain`` says so (then also for a study with a key);
    with nothing to encrypt it with and no ``plain``, raises PlainBundleRefused, having
    written and recorded nothing. The bundle
    is signed with ``signing_key`` (default: this machine's, made on first need; see
    exchange/signing.py)."""
    out_path = Path(out_path)
    if signing_key is None:  # an unreadable key file is refused before anything is recorded
        signing_key = signing.this_machines_key()
    check_output_path(out_path, database=db_path, what=tr("the bundle"))
    if password is not None and public_key_pem is not None:
        raise InterviewerError("encrypt with a password or to a public key, not both")
    if public_key_pem is not None:
        crypto.load_public_key(public_key_pem)  # a bad key is refused before anything is recorded
    database = open_database(db_path, backup=False)
    try:
        refuse_bad_records(db_path)  # records go on as stored: garbage never reaches the centre
        # revisions are recorded with the export; a stored value that cannot be read names
        # its record (health.naming_bad_records)
        with naming_bad_records(db_path), database.engine.begin() as connection:
            study = connection.execute(select(Study.__table__)).first()
            if study is None:
                raise InterviewerError(f"{db_path}: there is no study to send yet")
            if not plain and password is None and public_key_pem is None:
                if not study.public_key_pem:
                    raise PlainBundleRefused(out_path)
                public_key_pem = study.public_key_pem.encode("ascii")
            ids = list(connection.execute(select(Interview.__table__.c.id)).scalars())
            documents = interview_documents(connection, ids)
            if since is not None:  # a change to any record of an interview counts
                documents = {i: d for i, d in documents.items() if _changed_since(d, since)}
            revisions = record_revisions(connection, documents)
            named = _named_interviewers(documents, study.id, interviewer)
            data = {
                "format": DATA_FORMAT,
                "format_version": VERSION,
                "study": _study_json(connection, study),
                # only those its interviews name, and its sender: a centre adds no others
                "interviewers": [
                    {"id": str(row.id), "name": row.name}
                    for row in connection.execute(select(Interviewer.__table__))
                    if row.id in named
                ],
                "interviews": [
                    {
                        "revision": revisions[i][0],
                        "ancestry": revisions[i][1],
                        "document": documents[i],
                    }
                    for i in sorted(documents, key=str)
                ],
            }
    finally:
        database.close()
    public_key = crypto.load_public_key(public_key_pem) if public_key_pem else None
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    # the bounds a centre holds it to (exchange/limits.py, exchange/schema.py's caps)
    problem = over_caps(data) or payload_problem(payload)
    if problem is not None:
        raise InterviewerError(
            tr(
                "{path}: not written, as the centre would refuse it: {reason}",
                path=shown_path(out_path),
                reason=problem,
            )
        )
    manifest = {
        "format": FORMAT,
        "format_version": VERSION,
        "bundle_id": str(uuid.uuid4()),
        "created_at": datetime.now(UTC).isoformat(),
        "interviewer": clean_name(interviewer),  # one person, one name at the centre
        "device": device_label(),
        "study_id": data["study"]["id"],
        "guide_id": data["study"]["guide_id"],
        "guide_version": data["study"]["guide_version"],
        "codebook_id": data["study"]["codebook_id"],
        "codebook_version": data["study"]["codebook_version"],
        "interviews": len(documents),
        **signing.sender_fields(
            signing_key, uuid.UUID(data["study"]["id"]), clean_name(interviewer)
        ),
    }
    manifest["checksum"] = bundle_checksum(manifest, payload)
    manifest["signature"] = signing_key.sign(manifest["checksum"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
        archive.writestr("data.json", payload)
    content = buffer.getvalue()
    if password is not None:
        content = crypto.encrypt_with_password(content, password)
    elif public_key is not None:
        content = crypto.encrypt_to_public_key(content, public_key)
    write_whole(out_path, lambda partial: partial.write_bytes(content))
    return len(documents)


def bundle_checksum(manifest: dict, payload: bytes) -> str:
    """SHA-256 over the manifest (all but this field and the signature of it) and data.json:
    accidental damage to either is seen. Anyone can recompute it: the signature is what
    proves who made the bundle (exchange/signing.py)."""
    fields = {key: value for key, value in manifest.items() if key not in ("checksum", "signature")}
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(canonical + b"\n" + payload).hexdigest()


def _changed_since(document: dict, since: date) -> bool:
    """Changed on or after ``since``, a day as the interviewer's own clock names it."""
    return datetime.fromisoformat(last_change(document)).astimezone().date() >= since


def _study_json(connection: Connection, study) -> dict:
    codes = connection.execute(
        select(CodebookEntry.__table__).where(CodebookEntry.__table__.c.study_id == study.id)
    ).all()
    return {
        "id": str(study.id),
        "name": study.name,
        "guide_id": study.guide_id,
        "guide_version": study.guide_version,
        "guide_toml": study.guide_toml,
        "codebook_id": study.codebook_id,
        "codebook_version": study.codebook_version,
        "codes": [
            {
                "kind": str(code.kind),
                "code": code.code,
                "position": code.position,
                "label_en": code.label_en,
                "label_da": code.label_da,
                "description_en": code.description_en,
                "description_da": code.description_da,
            }
            for code in sorted(codes, key=lambda c: (str(c.kind), c.position))
        ],
    }


# ---------------------------------------------------------------- reading


@dataclass
class OpenedBundle:
    """A bundle decrypted and its checksum verified, its data not yet read."""

    path: Path
    manifest: dict
    payload: bytes
    checksum: str

    @property
    def bundle_id(self) -> uuid.UUID:
        return uuid.UUID(self.manifest["bundle_id"])


def read_bundle(path: Path, *, password: str | None = None, private_key=None) -> Bundle:
    """Opens, decrypts if need be, and checks a bundle; raises BundleRefused, naming the
    file and the reason, for anything it will not merge."""
    return parse_bundle(open_bundle(path, password=password, private_key=private_key))


def open_bundle(path: Path, *, password: str | None = None, private_key=None) -> OpenedBundle:
    """Decrypts a bundle if need be and verifies its checksum."""
    path = Path(path)
    try:
        content = read_input_file(path, what=tr("the bundle"), limit=BUNDLE_LIMIT)
    except FileRefused as refusal:
        raise BundleRefused(path, refusal.reason) from None
    if crypto.is_encrypted(content):
        try:
            content = crypto.decrypt(content, password=password, private_key=private_key)
        except crypto.DecryptionFailed as error:
            raise BundleRefused(path, str(error)) from None
    try:
        entries = read_entries(content)  # bounded: see exchange/limits.py
        manifest = load_json(entries["manifest.json"], entry="manifest.json")
        payload = entries["data.json"]
    except OutOfBounds as refusal:
        raise BundleRefused(path, str(refusal)) from None
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        UnicodeDecodeError,
        EOFError,
        zipfile.LargeZipFile,
        NotImplementedError,
    ):
        raise BundleRefused(path, "this is not a bundle, or it is damaged or cut short") from None
    except Exception as error:  # noqa: BLE001 - zip reading of arbitrary bytes fails in many ways
        raise BundleRefused(path, f"this bundle is damaged ({type(error).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused(path, "this is not an Interviewer bundle")
    version = manifest.get("format_version")
    if type(version) is not int or version != VERSION:  # True == 1 to Python: not a version
        raise BundleRefused(
            path,
            f"bundle format version {repr(version)[:40]} "
            f"is not one this app reads (it reads {VERSION})",
        )
    checksum = bundle_checksum(manifest, payload)
    if manifest.get("checksum") != checksum:
        raise BundleRefused(
            path,
            "the checksum does not match: the bundle was changed or damaged after it was written",
        )
    problem = manifest_problem(manifest)  # every field, typed (exchange/manifest.py)
    if problem is not None:
        raise BundleRefused(path, problem)
    problem = signing.signature_problem(manifest, checksum)  # before anything is read or written
    if problem is not None:
        raise BundleRefused(path, problem)
    return OpenedBundle(path=path, manifest=manifest, payload=payload, checksum=checksum)


def parse_bundle(opened: OpenedBundle) -> Bundle:
    """Reads an opened bundle's data and checks it against the schema."""
    path, manifest, payload, checksum = (
        opened.path,
        opened.manifest,
        opened.payload,
        opened.checksum,
    )
    try:
        data = load_json(payload, entry="data.json")
    except OutOfBounds as refusal:
        raise BundleRefused(path, str(refusal)) from None
    except ValueError:  # UnicodeDecodeError too
        raise BundleRefused(path, "the bundle's data is not valid JSON") from None
    problem = schema_problem(data)
    if problem is not None:
        raise BundleRefused(path, f"the bundle's data breaks its schema {problem[:240]}")
    problem = data_problem(manifest, data)  # the manifest tells the truth about the data
    if problem is not None:
        raise BundleRefused(path, problem)
    return Bundle(path=path, manifest=manifest, data=data, checksum=checksum)
