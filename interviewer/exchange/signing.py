"""Who sent a bundle: each interviewer's Ed25519 signing key, and the senders a centre knows.

What protects what:

- the checksum (SHA-256 over the manifest and data.json, exchange/bundle.py) finds accidental
  damage: a cut download, a flipped bit on a USB stick. Anyone can recompute it, so it proves
  nothing about who made the bundle;
- the signature (Ed25519, from the ``cryptography`` package) proves the bundle was made, as it
  is, by the holder of one signing key: a bundle made or altered by anyone else, checksum
  recomputed or not, is refused.

The keys. Each interviewer's signing key is made on their own machine the first time it is
needed (the first bundle, or `interviewer keys show`, or Settings) and kept in the user's
data folder as ``signing-key.pem`` (PKCS#8, file mode 0600), never in a database and never in
a bundle. It is not issued by the study lead: a private key that travels with a study file
could be copied by anyone who sees the file, and the lead would hold every interviewer's
secret; made where it is used, the private half never leaves the machine. Its public half is
"ed25519:" and the 32 raw bytes in base64; its fingerprint, 16 letters and digits in four
groups (``ABCD-EFGH-JKLM-NPQR``, the first 80 bits of its SHA-256 in base 32), is short enough
to read out on the phone.

The signature. A bundle's manifest names its sender (``interviewer``, the clean name),
``sender_id`` (text_rules.interviewer_id of the study and that name) and ``sender_key`` (the
public key); the checksum covers all of them with the data, and ``signature`` is the key's
Ed25519 signature of ``SIGNED_CONTEXT`` + the checksum (base64). `signature_problem` checks it
without a database, as the bundle is opened: a bundle without one (made before bundles were
signed) is refused and its interviewer asked to update the app and send it again.

At the centre, a key is known (``sender_key`` table, per study) when it came in the study
file the study lead exported, was added by hand (`interviewer senders --add`), or was accepted
by a person after a bundle brought it. A bundle is merged only when its key is accepted for
the very interviewer its manifest names, or it is this machine's own key (whoever holds that
can change the central database directly anyway, so its bundles count as the centre's own
and may change any interview). A key known for another interviewer, or refused, is
refused. A key not known yet is, as the study chooses (``Study.sender_rule``), held for a
person to accept (``confirm_new``, the default: nothing of the bundle is merged, the key waits
in the list with its fingerprint; accepted, the bundle is merged again) or refused
(``known_only``). The verified sender, not the manifest's claim alone, is what provenance,
conflicts and the list of merged bundles record.
"""

import base64
import contextlib
import hashlib
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from confusable_homoglyphs import confusables
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, insert, select, update
from sqlmodel import Session

from interviewer.errors import FileRefused, InterviewerError
from interviewer.file_safety import SECRET_LIMIT, read_input_file, shown_path
from interviewer.i18n import tr, tr_n
from interviewer.paths import data_dir
from interviewer.storage.models import Interviewer, SenderKey, Study
from interviewer.text_rules import clean_name, interviewer_id

KEY_FILE_NAME = "signing-key.pem"
KEY_PREFIX = "ed25519:"
SIGNED_CONTEXT = b"interviewer-bundle-signature-1\n"
# the manifest's fields this module writes and reads (limits.py's manifest check knows them)
MANIFEST_FIELDS = ("sender_id", "sender_key", "signature")
CONFIRM_NEW, KNOWN_ONLY = "confirm_new", "known_only"
SENDER_RULES = (CONFIRM_NEW, KNOWN_ONLY)
ACCEPTED, HELD, REFUSED = "accepted", "held", "refused"
FROM_STUDY_FILE, ADDED, FROM_BUNDLE = "study file", "added", "bundle"


# ---------------------------------------------------------------- keys


def public_key_text(key: Ed25519PublicKey) -> str:
    """The public key as one line of text: "ed25519:" and its 32 raw bytes in base64."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """The key of a ``public_key_text`` line; raises InterviewerError for anything else."""
    try:
        if not isinstance(text, str) or not text.strip().startswith(KEY_PREFIX):
            raise ValueError
        raw = base64.b64decode(text.strip()[len(KEY_PREFIX) :].encode("ascii"), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, UnicodeEncodeError):
        raise InterviewerError(
            tr(
                "this is not a signing key: a public signing key is one line starting with "
                "“ed25519:”, as `interviewer keys show` prints it"
            )
        ) from None


def canonical_key(text: str) -> str:
    """The one text of the key ``text`` holds (``public_key_text`` of its 32 bytes): base64
    lets one key be written several ways (spare bits, spaces), and a key is stored, compared
    and fingerprinted by this text alone. Raises InterviewerError as ``parse_public_key``."""
    return public_key_text(parse_public_key(text))


def fingerprint(public_key: str) -> str:
    """The short fingerprint of a public key text: four groups of four, e.g. 7K2Q-…; the
    same for every way of writing the same key (``canonical_key``)."""
    with contextlib.suppress(InterviewerError):  # a text that is no key: as it stands
        public_key = canonical_key(public_key)
    digest = hashlib.sha256(public_key.strip().encode("utf-8")).digest()[:10]
    letters = base64.b32encode(digest).decode("ascii")
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


def _same_fingerprint(typed: str) -> str:
    """A fingerprint as typed (any case, with or without dashes or spaces) in its one form."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


@dataclass(frozen=True)
class SigningKey:
    """A private signing key and its public half."""

    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> str:
        return public_key_text(self.private.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, checksum: str) -> str:
        """The signature of a bundle's checksum, in base64."""
        signed = self.private.sign(SIGNED_CONTEXT + checksum.encode("ascii"))
        return base64.b64encode(signed).decode("ascii")

    def pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def key_file() -> Path:
    """Where this machine keeps its signing key: the user's data folder."""
    return data_dir() / KEY_FILE_NAME


def this_machines_key() -> SigningKey:
    """This machine's signing key, made and stored (mode 0600) the first time it is needed.
    A key file that exists but cannot be read is an error, never silently replaced: a new key
    would be a new sender to the centre."""
    path = key_file()
    if not os.path.lexists(path):
        key = SigningKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two programs making the key at once keep one, and a symlink is refused
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_key_file(path)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.pem())
            file.flush()
            os.fsync(file.fileno())
        return key
    return _read_key_file(path)


def own_public_key() -> str | None:
    """The public half of this machine's signing key, or None when it has none (nothing is
    made: the centre only asks)."""
    path = key_file()
    if not path.is_file():
        return None
    try:
        return _read_key_file(path).public_key
    except InterviewerError:
        return None


def _read_key_file(path: Path) -> SigningKey:
    unreadable = tr(
        "this machine's signing key ({path}) cannot be read; it is not replaced, as a new key "
        "would make you a new sender to the central team: restore the file from a backup, or "
        "move it away and tell the central team your new key",
        path=shown_path(path),
    )
    try:
        pem = read_input_file(path, what=tr("the signing key"), limit=SECRET_LIMIT)
        key = serialization.load_pem_private_key(pem, password=None)
    except (FileRefused, OSError, ValueError, TypeError):
        raise InterviewerError(unreadable) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InterviewerError(unreadable)
    return SigningKey(key)


# ---------------------------------------------------------------- the bundle's signature


def sender_fields(key: SigningKey, study_id: uuid.UUID, name: str) -> dict:
    """The manifest's sender fields, set before its checksum is computed."""
    return {"sender_id": str(interviewer_id(study_id, name)), "sender_key": key.public_key}


def signature_problem(manifest: dict, checksum: str) -> str | None:
    """Why the manifest's signature does not prove its sender (English, for tr()), or None
    when it is that key's signature of the checksum and the key's interviewer id is the one
    the manifest's name and study give."""
    fields = [manifest.get(name) for name in MANIFEST_FIELDS]
    if all(value is None for value in fields):
        return tr(
            "this bundle is not signed: it was made by a version of Interviewer from before "
            "bundles were signed. Ask its interviewer to update the app and send it again"
        )
    if not all(isinstance(value, str) for value in fields):
        return tr("the bundle's signature is incomplete")
    sender_id, sender_key, signature = fields
    try:
        key = parse_public_key(sender_key)
        if sender_key != public_key_text(key):  # the app writes a key one way only
            return tr(
                "the bundle's signing key is not written as the app writes it: it was not "
                "made by Interviewer"
            )
        signed = base64.b64decode(signature.encode("ascii"), validate=True)
        key.verify(signed, SIGNED_CONTEXT + checksum.encode("ascii"))
    except (InterviewerError, InvalidSignature, ValueError, UnicodeEncodeError):
        return tr(
            "the signature does not match: the bundle was made or changed by someone other "
            "than the holder of the key it names"
        )
    try:
        expected = interviewer_id(uuid.UUID(str(manifest.get("study_id"))), manifest_name(manifest))
    except (ValueError, TypeError, AttributeError):
        return tr("the bundle's manifest is incomplete")
    if sender_id != str(expected):
        return tr("the bundle's sender id is not that of the interviewer it names")
    return None


def manifest_name(manifest: dict) -> str:
    name = manifest.get("interviewer")
    return clean_name(name) if isinstance(name, str) else ""


# ---------------------------------------------------------------- senders at the centre


@dataclass(frozen=True)
class Sender:
    """The sender of a verified bundle: an interviewer and the key that signed."""

    interviewer_id: uuid.UUID
    name: str
    public_key: str
    # signed with this machine's own key: whoever holds it can change the central database
    # directly, so its bundles may change any interview, as a person at the centre may
    centre: bool = False

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


@dataclass(frozen=True)
class HeldSender(Sender):
    """A sender not known yet: the bundle waits until a person accepts the key."""


class SenderRefused(InterviewerError):
    """The bundle's key is refused, unknown to a "known senders only" study, or another
    interviewer's."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def bundle_sender(manifest: dict) -> Sender:
    """The sender a bundle's manifest names (its signature already verified)."""
    return Sender(
        interviewer_id=uuid.UUID(manifest["sender_id"]),
        name=manifest_name(manifest),
        public_key=manifest["sender_key"],
    )


def record_sender_key(
    connection: Connection,
    *,
    study_id: uuid.UUID,
    interviewer_id: uuid.UUID,
    name: str,
    public_key: str,
    status: str,
    source: str,
    **more,
) -> None:
    """Adds one signing key of an interviewer to the keys this database knows, its
    fingerprint derived from ``public_key``; ``more`` are further sender_key columns
    (first_file, decided_at, decided_by)."""
    now = datetime.now(UTC)
    connection.execute(
        insert(SenderKey.__table__).values(
            id=uuid.uuid4(),
            created_at=now,
            updated_at=now,
            study_id=study_id,
            interviewer_id=interviewer_id,
            interviewer_name=name,
            public_key=public_key,
            fingerprint=fingerprint(public_key),
            status=status,
            source=source,
            **more,
        )
    )


def check_sender(connection: Connection, manifest: dict, *, file_name: str) -> Sender:
    """The verified sender of a bundle whose signature `signature_problem` accepted: a
    ``Sender`` to merge with, or a ``HeldSender`` (its key now waits in the list for a person;
    merge nothing). Raises SenderRefused. Writes only the held key, in ``connection``."""
    claimed = bundle_sender(manifest)
    if claimed.public_key == own_public_key():
        return Sender(claimed.interviewer_id, claimed.name, claimed.public_key, centre=True)
    study_id = uuid.UUID(manifest["study_id"])
    table = SenderKey.__table__
    rows = connection.execute(
        select(table).where(table.c.study_id == study_id, table.c.public_key == claimed.public_key)
    ).all()
    # one key, one person: should two rows hold it, one for another interviewer refuses the
    # bundle, and a refusal outweighs an acceptance (never the order rows come in)
    others = [found for found in rows if found.interviewer_id != claimed.interviewer_id]
    rank = {REFUSED: 0, ACCEPTED: 1}
    row = others[0] if others else min(rows, key=lambda r: rank.get(r.status, 2), default=None)
    if row is not None and row.interviewer_id != claimed.interviewer_id:
        raise SenderRefused(
            tr(
                "it is signed with the key {fingerprint}, which belongs to another interviewer "
                "than the one the bundle names",
                fingerprint=claimed.fingerprint,
            )
        )
    if row is not None and row.status == ACCEPTED:
        return Sender(claimed.interviewer_id, row.interviewer_name, claimed.public_key)
    if row is not None and row.status == REFUSED:
        raise SenderRefused(
            tr(
                "its signing key {fingerprint} was refused at this centre",
                fingerprint=claimed.fingerprint,
            )
        )
    if row is not None:  # held already: still waiting for a person
        return HeldSender(claimed.interviewer_id, row.interviewer_name, claimed.public_key)
    rule = connection.execute(select(Study.__table__.c.sender_rule)).scalar()
    if rule == KNOWN_ONLY:
        raise SenderRefused(
            tr(
                "its signing key {fingerprint} is not one this study knows, and the study "
                "takes bundles from known senders only (add the key with `interviewer "
                "senders --add`, or in Senders in the app)",
                fingerprint=claimed.fingerprint,
            )
        )
    record_sender_key(
        connection,
        study_id=study_id,
        interviewer_id=claimed.interviewer_id,
        name=claimed.name,
        public_key=claimed.public_key,
        status=HELD,
        source=FROM_BUNDLE,
        first_file=file_name,
    )
    return HeldSender(claimed.interviewer_id, claimed.name, claimed.public_key)


# ---------------------------------------------------------------- names that look alike


# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties): drawn as nothing, so a name
# with one (a zero-width joiner, a variation selector, a Hangul filler) reads as the name
# without it. Names that differ only by these look alike.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def _folded(name: str) -> str:
    # NFKC can make an ignorable of a compatibility form, so drop them after it, then re-trim
    folded = _IGNORABLE.sub("", unicodedata.normalize("NFKC", clean_name(name)))
    return " ".join(folded.casefold().split())


def names_look_alike(one: str, other: str) -> bool:
    """Whether two names would pass for one another on screen: equal once NFKC-normalised,
    case-folded and without default-ignorable characters ("METTE" and "mette", "Mette" and
    "Met\\u200dte"), or letter by letter each the other's homoglyph
    in Unicode's confusables list (TR39, as the confusable_homoglyphs package ships it: a
    Cyrillic "е" for a Latin "e"). Names of the same letters are alike, of course."""
    one, other = _folded(one), _folded(other)
    if one == other:
        return True
    if len(one) != len(other):
        return False
    return all(a == b or _homoglyphs(a, b) for a, b in zip(one, other, strict=True))


def _homoglyphs(a: str, b: str) -> bool:
    table = confusables.confusables_data
    return any(entry["c"] == b for entry in table.get(a, ())) or any(
        entry["c"] == a for entry in table.get(b, ())
    )


def look_alike_interviewer(connection: Connection, name: str, person: uuid.UUID) -> str | None:
    """The name of an interviewer this database knows (an interviewer of its study, or the
    name an accepted key signs for) that is not ``person`` but looks like ``name``
    (``names_look_alike``), or None. A new key under such a name is not a first key of a
    new person: it may be someone passing for the known one."""
    table = SenderKey.__table__
    known = dict(connection.execute(select(Interviewer.id, Interviewer.name)).all())
    for row in connection.execute(
        select(table.c.interviewer_id, table.c.interviewer_name).where(table.c.status == ACCEPTED)
    ):
        known.setdefault(row.interviewer_id, row.interviewer_name)
    for other_id, other_name in sorted(known.items(), key=lambda item: item[1] or ""):
        if other_id != person and other_name and names_look_alike(name, other_name):
            return other_name
    return None


@dataclass(frozen=True)
class SenderLine:
    """One known or held signing key, as the list of senders shows it."""

    fingerprint: str
    name: str
    status: str
    source: str
    public_key: str
    first_file: str | None
    decided_by: str | None
    decided_at: datetime | None
    other_keys: int  # other keys accepted for the same interviewer (a second machine?)
    # the known interviewer whose name this one looks like (names_look_alike), if any
    looks_like: str | None = None

    def status_text(self, lang: str | None = None) -> str:
        return {
            ACCEPTED: tr("accepted", lang=lang),
            HELD: tr("waiting for a person to accept it", lang=lang),
            REFUSED: tr("refused", lang=lang),
        }.get(self.status, self.status)

    def source_text(self, lang: str | None = None) -> str:
        if self.source == FROM_STUDY_FILE:
            return tr("from the study file", lang=lang)
        if self.source == ADDED:
            return tr("added by hand", lang=lang)
        return tr("first seen on {file}", lang=lang, file=shown_path(self.first_file or ""))

    def text(self, lang: str | None = None) -> str:
        """One line on this key: fingerprint, interviewer, state, where it came from."""
        line = tr(
            "{fingerprint}  {name}: {status}; {source}",
            lang=lang,
            fingerprint=self.fingerprint,
            name=self.name or tr("(no name)", lang=lang),
            status=self.status_text(lang),
            source=self.source_text(lang),
        )
        return line + self.warnings_text(lang)

    def warnings_text(self, lang: str | None = None) -> str:
        """What a person should know before accepting this key, each part starting "; ":
        other keys accepted for its interviewer, a name like a known interviewer's; or ""."""
        line = ""
        if self.other_keys:
            line += tr_n(
                "; this interviewer has {count} other accepted key",
                "; this interviewer has {count} other accepted keys",
                self.other_keys,
                lang=lang,
            )
        if self.looks_like:
            line += tr(
                "; the name looks like that of the known interviewer {name}",
                lang=lang,
                name=self.looks_like,
            )
        return line


def _study(session: Session) -> Study:
    from interviewer.interviews import current_study

    return current_study(session=session)


def list_senders(*, session: Session) -> list[SenderLine]:
    """The signing keys this database knows or holds, held first, then by name. Only reads:
    a database whose first bundle waits for its sender may have no study yet (the held key
    is of the bundle's study)."""
    rows = session.connection().execute(select(SenderKey.__table__)).all()
    accepted: dict[uuid.UUID, int] = {}
    for row in rows:
        if row.status == ACCEPTED:
            accepted[row.interviewer_id] = accepted.get(row.interviewer_id, 0) + 1
    lines = [
        SenderLine(
            fingerprint=row.fingerprint,
            name=row.interviewer_name,
            status=row.status,
            source=row.source,
            public_key=row.public_key,
            first_file=row.first_file,
            decided_by=row.decided_by,
            decided_at=None if row.decided_at is None else row.decided_at.replace(tzinfo=UTC),
            other_keys=accepted.get(row.interviewer_id, 0) - (row.status == ACCEPTED),
            looks_like=None
            if row.status == ACCEPTED
            else look_alike_interviewer(
                session.connection(), row.interviewer_name or "", row.interviewer_id
            ),
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (line.status != HELD, line.name, line.fingerprint))


def decide_sender(*, session: Session, fingerprint_typed: str, accept: bool, by: str) -> SenderLine:
    """Accepts (or refuses) the key with this fingerprint, held or known; commits. Raises
    InterviewerError when no key of this study has it."""
    wanted = _same_fingerprint(fingerprint_typed)
    lines = [line for line in list_senders(session=session) if line.fingerprint == wanted]
    if not lines:
        raise InterviewerError(
            tr(
                "no signing key with the fingerprint {fingerprint} is known or waiting here "
                "(see `interviewer senders`)",
                fingerprint=wanted or "—",
            )
        )
    table = SenderKey.__table__
    now = datetime.now(UTC)
    session.connection().execute(
        update(table)
        .where(table.c.fingerprint == wanted)
        .values(
            status=ACCEPTED if accept else REFUSED,
            decided_at=now,
            decided_by=clean_name(by),
            updated_at=now,
        )
    )
    session.commit()
    return next(line for line in list_senders(session=session) if line.fingerprint == wanted)


def add_sender(*, session: Session, name: str, public_key: str, by: str) -> SenderLine:
    """Makes a key known, accepted, for the study's interviewer ``name``; commits. A key
    known already for another interviewer is refused (one key, one person)."""
    key_text = public_key_text(parse_public_key(public_key))
    name = clean_name(name)
    if not name:
        raise InterviewerError(tr("a sender needs the interviewer's name"))
    study = _study(session)
    person = interviewer_id(study.id, name)
    table = SenderKey.__table__
    connection = session.connection()
    row = connection.execute(
        select(table).where(table.c.study_id == study.id, table.c.public_key == key_text)
    ).first()
    now = datetime.now(UTC)
    if row is not None and row.interviewer_id != person:
        raise InterviewerError(
            tr(
                "the key {fingerprint} is known here already, for another interviewer",
                fingerprint=row.fingerprint,
            )
        )
    if row is None:
        record_sender_key(
            connection,
            study_id=study.id,
            interviewer_id=person,
            name=name,
            public_key=key_text,
            status=ACCEPTED,
            source=ADDED,
            decided_at=now,
            decided_by=clean_name(by),
        )
        session.commit()
        return next(line for line in list_senders(session=session) if line.public_key == key_text)
    return decide_sender(session=session, fingerprint_typed=row.fingerprint, accept=True, by=by)


def set_sender_rule(*, session: Session, rule: str) -> None:
    """Sets what the study does with a bundle from an unknown key; commits."""
    if rule not in SENDER_RULES:
        raise InterviewerError(tr("the rule for new senders is confirm_new or known_only"))
    study = _study(session)
    study.sender_rule = rule
    session.add(study)
    session.commit()


def sender_rule(*, session: Session) -> str:
    """The study's rule for new senders (only reads: no study yet is the default rule)."""
    rule = session.connection().execute(select(Study.__table__.c.sender_rule)).scalar()
    return rule or CONFIRM_NEW


def known_senders(connection: Connection, study_id: uuid.UUID) -> list[dict]:
    """The accepted keys of a study, as a study file carries them."""
    table = SenderKey.__table__
    rows = connection.execute(
        select(table.c.interviewer_name, table.c.public_key).where(
            table.c.study_id == study_id, table.c.status == ACCEPTED
        )
    ).all()
    return [{"name": row.interviewer_name, "public_key": row.public_key} for row in rows]


def install_senders(connection: Connection, study_id: uuid.UUID, senders) -> None:
    """Makes the keys a study file carries known, accepted, in this database (a key it knows
    already keeps its state: one refused here stays refused). Raises InterviewerError for a
    malformed entry."""
    table = SenderKey.__table__
    now = datetime.now(UTC)
    if not isinstance(senders, list):
        raise InterviewerError(tr("the study file's list of senders is not a list"))
    holders: dict[str, uuid.UUID] = {}
    for entry in senders:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InterviewerError(tr("the study file's list of senders is damaged"))
        key_text = public_key_text(parse_public_key(entry.get("public_key")))
        name = clean_name(entry["name"])
        if holders.setdefault(key_text, interviewer_id(study_id, name)) != interviewer_id(
            study_id, name
        ):
            raise InterviewerError(
                tr(
                    "the study file gives the signing key {fingerprint} to two interviewers; "
                    "a key is one person's",
                    fingerprint=fingerprint(key_text),
                )
            )
        held = connection.execute(
            select(table.c.id).where(table.c.study_id == study_id, table.c.public_key == key_text)
        ).first()
        if held is not None:
            continue
        record_sender_key(
            connection,
            study_id=study_id,
            interviewer_id=interviewer_id(study_id, name),
            name=name,
            public_key=key_text,
            status=ACCEPTED,
            source=FROM_STUDY_FILE,
            decided_at=now,
        )
