"""The rules of the interview record, as functions the app and the command line both call.

Each function is one edit: it checks the rules first, writes, and commits. A broken rule raises
DomainError before anything is written, and any failure rolls the session back, so the
database is always as it was before a failed edit.
"""

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from interviewer.codebook import Codebook, load_codebook
from interviewer.errors import DomainError
from interviewer.guide import Guide, load_guide, parse_guide
from interviewer.i18n import tr
from interviewer.record_rules import (
    RECORD,
    YEARS,
    Kind,
    date_problem,
    number_problem,
    rating_problem,
    single_line_fields,
    value_problem,
)
from interviewer.resources import default_guide, municipalities
from interviewer.storage.models import (
    Answer,
    Challenge,
    CodebookEntry,
    CodeKind,
    Effect,
    EffectKind,
    Initiative,
    InitiativeStatus,
    Interview,
    Interviewer,
    InterviewMode,
    InterviewStatus,
    MergedBundle,
    Provenance,
    Quote,
    Rating,
    Record,
    SenderKey,
    Study,
    utc_now,
)
from interviewer.storage.models import Conflict as ConflictRecord
from interviewer.text_rules import (
    clean_name,
    clean_text,
    interviewer_id,
    match_listed,
    one_line_nfc,
)

REQUIRED_RESPONDENT_FIELDS = {
    "respondent_role": "the respondent's role",
    "service_area": "the service area",
    "municipality": "the municipality",
}

# The fields that hold one line, per record type: every service stores them through
# ``_one_line``, so pasted line breaks become spaces whichever service wrote them.
# (The rule itself lives in record_rules, which `check` and merge use too.)
SINGLE_LINE_FIELDS: dict[type, frozenset[str]] = {
    model: single_line_fields(model.__tablename__)
    for model in (
        *(Interview, Challenge, Initiative, Effect, Quote, Interviewer, Study, CodebookEntry),
        *(MergedBundle, Provenance, SenderKey, ConflictRecord),
    )
}
# The fields that hold text of several lines (notes, descriptions, quotes): stored through
# ``clean_text``, so a pasted control character never reaches the record.
MULTI_LINE_FIELDS: dict[type, frozenset[str]] = {
    model: frozenset(
        name
        for name, rule in RECORD[model.__tablename__].items()
        if rule.kind == Kind.TEXT and not rule.one_line and not rule.code_kind
    )
    for model in (Answer, Challenge, Initiative, Effect, Quote)
}


@contextmanager
def edit(session: Session) -> Iterator[None]:
    """One edit: committed whole on success, rolled back whole on any error."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def touch(record: Record) -> None:
    record.updated_at = utc_now()


# ------------------------------------------------------------------------- study


def checked_study_name(name: str) -> str:
    """A study's name as it is kept (clean_name); raises DomainError when nothing is left."""
    name = clean_name(name)
    if not name:
        raise DomainError("A study needs a name.")
    return name


def create_study(*, session: Session, name: str, guide_toml: str, codebook: Codebook) -> Study:
    """A study with its guide and a copy of the codebook, which the study may then edit."""
    guide = parse_guide(guide_toml)
    name = checked_study_name(name)
    with edit(session):
        study = Study(
            name=name,
            guide_id=guide.id,
            guide_version=guide.version,
            guide_toml=guide_toml,
            codebook_id=codebook.id,
            codebook_version=codebook.version,
        )
        session.add(study)
        _add_codebook(session, study, codebook)
    return study


def create_first_study(
    *, session: Session, name: str, guide_toml: str, codebook: Codebook
) -> Study:
    """create_study for a database that holds no study yet (a database holds one study);
    raises DomainError when it holds one, naming it."""
    held = session.exec(select(Study).order_by(Study.created_at)).first()
    if held is not None:
        raise DomainError(
            tr(
                "this database already holds the study '{name}'; a database holds one study, "
                "so make the new one in a new file",
                name=held.name,
            )
        )
    return create_study(session=session, name=name, guide_toml=guide_toml, codebook=codebook)


def _add_codebook(session: Session, study: Study, codebook: Codebook) -> None:
    for kind in CodeKind:
        for position, code in enumerate(codebook.codes(kind)):
            session.add(
                CodebookEntry(
                    study_id=study.id,
                    kind=kind,
                    code=code.code,
                    position=position,
                    label_en=code.label.en,
                    label_da=code.label.da,
                    description_en=code.description.en,
                    description_da=code.description.da,
                )
            )


def current_study(*, session: Session) -> Study:
    """The study of this database, set up from the default guide and codebook on first use."""
    study = session.exec(select(Study).order_by(Study.created_at)).first()
    if study is None:
        study = create_study(
            session=session,
            name=load_guide().title.en,
            guide_toml=default_guide().read_text("utf-8"),
            codebook=load_codebook(),
        )
    return study


def study_guide(study: Study) -> Guide:
    return parse_guide(study.guide_toml)


def study_codes(*, session: Session, study: Study, kind: CodeKind) -> list[CodebookEntry]:
    return list(
        session.exec(
            select(CodebookEntry)
            .where(CodebookEntry.study_id == study.id, CodebookEntry.kind == kind)
            .order_by(CodebookEntry.position)
        )
    )


def _check_code(session: Session, study_id: uuid.UUID, kind: CodeKind, code: str | None) -> None:
    if code is None:
        return
    found = session.exec(
        select(CodebookEntry.id).where(
            CodebookEntry.study_id == study_id,
            CodebookEntry.kind == kind,
            CodebookEntry.code == code,
        )
    ).first()
    if found is None:
        raise DomainError(f"'{code}' is not a {kind.replace('_', ' ')} in the study's codebook")


def municipality_name(text: str) -> str:
    """A municipality as stored once its field is left: a clean name, spelt as in the list
    of Denmark's municipalities when it is one of them in another case ("aarhus" → "Aarhus")."""
    return match_listed(text, municipalities())


def interviewer_named(*, session: Session, study: Study, name: str) -> Interviewer:
    """The study's interviewer of that name, added if new. The name is compared and stored
    clean (trimmed, single-spaced, NFC), so a typed and a pasted name are one person."""
    name = clean_name(name)
    if not name:
        raise DomainError("An interviewer needs a name.")
    # the same name gets the same id on every machine, so merged studies match people
    person_id = interviewer_id(study.id, name)
    found = (
        session.get(Interviewer, person_id)
        or session.exec(
            select(Interviewer).where(Interviewer.study_id == study.id, Interviewer.name == name)
        ).first()
    )
    if found:
        return found
    with edit(session):
        found = Interviewer(id=person_id, study_id=study.id, name=name)
        session.add(found)
    return found


def known_roles(*, session: Session, study: Study) -> list[str]:
    """The respondent roles of the study's interviews, each once in its clean form (the first
    spelling met, ignoring case), alphabetically: completions for the role field."""
    roles: dict[str, str] = {}
    query = select(Interview.respondent_role).where(
        Interview.study_id == study.id, col(Interview.deleted_at).is_(None)
    )
    for role in session.exec(query.order_by(Interview.created_at)):
        name = clean_name(role)
        if name:
            roles.setdefault(name.casefold(), name)
    return sorted(roles.values(), key=str.casefold)


def study_interviewers(*, session: Session, study: Study) -> list[Interviewer]:
    return list(
        session.exec(
            select(Interviewer).where(Interviewer.study_id == study.id).order_by(Interviewer.name)
        )
    )


# ------------------------------------------------------------------------- interview


def _listed(enum: type, table: str, column: str, value: Any):
    """``value`` as a member of ``enum``; DomainError when it is not in the record's list
    for that column (record_rules.RECORD, the same list `check` and merge hold files to)."""
    problem = value_problem(RECORD[table][column], getattr(value, "value", value))
    if problem:
        raise DomainError(tr("The {column} {problem}.", column=column, problem=problem))
    return enum(value)


def _check_dates(*values: Any) -> None:
    """Dates fall in the years any record may hold (record_rules.YEARS)."""
    for value in values:
        if isinstance(value, date) and date_problem(value):
            raise DomainError(
                tr(
                    "A date must fall in the years {first} to {last}.",
                    first=YEARS[0],
                    last=YEARS[-1],
                )
            )


def _check_respondent(values: dict[str, Any]) -> None:
    for field, label in REQUIRED_RESPONDENT_FIELDS.items():
        if field in values and not str(values[field] or "").strip():
            raise DomainError(f"Please fill in {label}.")
    if values.get("consent_given") is False and values.get("consent_date") is not None:
        raise DomainError("A consent date needs consent to be recorded as given.")


def create_interview(
    *,
    session: Session,
    study: Study,
    respondent_role: str,
    service_area: str,
    municipality: str,
    interview_date: date,
    interviewer: Interviewer | None = None,
    respondent_name: str | None = None,
    consent_given: bool = False,
    consent_date: date | None = None,
    start_time: time | None = None,
    location: str = "",
    mode: InterviewMode = InterviewMode.IN_PERSON,
    device: str = "",
) -> Interview:
    """A new draft interview, with an empty answer for every question of the study's guide."""
    fields = {
        "respondent_role": clean_name(respondent_role),
        "service_area": service_area,
        "municipality": municipality_name(municipality),
        "respondent_name": clean_name(respondent_name or "") or None,
        "consent_given": consent_given,
        "consent_date": consent_date,
        "location": clean_name(location),
    }
    _check_respondent(fields)
    _check_dates(interview_date, consent_date)
    _check_code(session, study.id, CodeKind.SERVICE_AREA, service_area)
    guide = study_guide(study)
    with edit(session):
        interview = Interview(
            study_id=study.id,
            guide_version=guide.version,
            interviewer_id=interviewer.id if interviewer else None,
            interview_date=interview_date,
            start_time=start_time,
            mode=_listed(InterviewMode, "interview", "mode", mode),
            created_device=one_line_nfc(device),
            **fields,
        )
        session.add(interview)
        for question in guide.questions:
            session.add(Answer(interview_id=interview.id, question_key=question.key))
            for scale in question.scales:
                session.add(
                    Rating(
                        interview_id=interview.id,
                        question_key=question.key,
                        scale_key=scale.key,
                    )
                )
    return interview


INTERVIEW_EDITABLE = {
    "respondent_role",
    "service_area",
    "municipality",
    "respondent_name",
    "consent_given",
    "consent_date",
    "interview_date",
    "start_time",
    "end_time",
    "location",
    "mode",
    "interviewer_id",
}


def get_interview(*, session: Session, interview_id: uuid.UUID) -> Interview:
    return _get(session, Interview, interview_id, "interview")


def update_interview(*, session: Session, interview_id: uuid.UUID, **changes: Any) -> Interview:
    """Changes the interview's own fields (respondent, date, place, …)."""
    _only(changes, INTERVIEW_EDITABLE, "interview")
    changes = _one_line(Interview, changes)
    interview = get_interview(session=session, interview_id=interview_id)
    _check_dates(*changes.values())
    merged = {field: getattr(interview, field) for field in INTERVIEW_EDITABLE} | changes
    _check_respondent(
        {field: merged[field] for field in changes}
        | {
            "consent_given": merged["consent_given"],
            "consent_date": merged["consent_date"],
        }
    )
    if "service_area" in changes:
        _check_code(session, interview.study_id, CodeKind.SERVICE_AREA, changes["service_area"])
    return _apply(session, interview, changes)


def set_status(*, session: Session, interview_id: uuid.UUID, status: InterviewStatus) -> Interview:
    interview = get_interview(session=session, interview_id=interview_id)
    with edit(session):
        interview.status = _listed(InterviewStatus, "interview", "status", status)
        touch(interview)
    return interview


def delete_interview(*, session: Session, interview_id: uuid.UUID) -> None:
    """Marks the interview deleted; ``restore_interview`` brings it back whole."""
    interview = get_interview(session=session, interview_id=interview_id)
    _set_deleted(session, interview, True)


def restore_interview(*, session: Session, interview_id: uuid.UUID) -> None:
    interview = get_interview(session=session, interview_id=interview_id)
    _set_deleted(session, interview, False)


# ------------------------------------------------------------------------- answers


def _answer(session: Session, interview_id: uuid.UUID, question_key: str) -> Answer:
    answer = session.exec(
        select(Answer).where(
            Answer.interview_id == interview_id, Answer.question_key == question_key
        )
    ).first()
    if answer is None:
        raise DomainError(f"The interview has no question '{question_key}'.")
    return answer


def set_notes(
    *,
    session: Session,
    interview_id: uuid.UUID,
    question_key: str,
    notes: str,
    started_offset: int | None = None,
    started_at: datetime | None = None,
) -> Answer:
    """Saves the notes of one question; when the first keystroke came is kept once set."""
    answer = _answer(session, interview_id, question_key)
    with edit(session):
        answer.notes = clean_text(notes)
        if answer.notes_started_offset is None and started_offset is not None:
            answer.notes_started_offset = started_offset
        if answer.notes_started_at is None and started_at is not None:
            answer.notes_started_at = started_at
        touch(answer)
    return answer


def add_time_spent(
    *, session: Session, interview_id: uuid.UUID, question_key: str, seconds: int
) -> Answer:
    if seconds < 0:
        raise DomainError("Time spent cannot be negative.")
    answer = _answer(session, interview_id, question_key)
    with edit(session):
        answer.seconds_spent += seconds
        touch(answer)
    return answer


def set_rating(
    *,
    session: Session,
    interview_id: uuid.UUID,
    question_key: str,
    scale_key: str,
    value: int | None,
    dont_know: bool = False,
) -> Rating:
    """Sets one scale to 1-5, to "don't know", or back to unanswered (None)."""
    if problem := rating_problem(value, dont_know):
        raise DomainError(problem)
    rating = session.exec(
        select(Rating).where(
            Rating.interview_id == interview_id,
            Rating.question_key == question_key,
            Rating.scale_key == scale_key,
        )
    ).first()
    if rating is None:
        raise DomainError(f"The interview has no rating scale '{question_key}/{scale_key}'.")
    with edit(session):
        rating.value = value
        rating.dont_know = dont_know
        touch(rating)
    return rating


# ------------------------------------------------------------------------- challenges


def live_challenges(*, session: Session, interview_id: uuid.UUID) -> list[Challenge]:
    """The interview's challenges that are not deleted, by rank."""
    return list(
        session.exec(
            select(Challenge)
            .where(Challenge.interview_id == interview_id, col(Challenge.deleted_at).is_(None))
            .order_by(Challenge.rank)
        )
    )


def _max_challenges(session: Session, interview: Interview) -> int:
    return study_guide(session.get(Study, interview.study_id)).max_challenges


def _set_ranks(session: Session, challenges: Sequence[Challenge]) -> None:
    """Numbers the challenges 1..n in the given order, keeping the unique index happy."""
    for challenge in challenges:
        challenge.rank = None
    session.flush()
    for rank, challenge in enumerate(challenges, start=1):
        challenge.rank = rank
        touch(challenge)


def add_challenge(
    *,
    session: Session,
    interview_id: uuid.UUID,
    title: str,
    description: str = "",
    theme_code: str | None = None,
) -> Challenge:
    """Adds a challenge at the bottom of the ranking; refuses one more than the guide allows."""
    interview = get_interview(session=session, interview_id=interview_id)
    ranked = live_challenges(session=session, interview_id=interview_id)
    limit = _max_challenges(session, interview)
    if len(ranked) >= limit:
        raise DomainError(
            f"An interview has at most {limit} challenges; remove one before adding another."
        )
    title = one_line_nfc(title).strip()
    if not title:
        raise DomainError("A challenge needs a short title.")
    _check_code(session, interview.study_id, CodeKind.CHALLENGE_THEME, theme_code)
    with edit(session):
        challenge = Challenge(
            interview_id=interview_id,
            rank=len(ranked) + 1,
            title=title,
            description=clean_text(description),
            theme_code=theme_code,
        )
        session.add(challenge)
    return challenge


def update_challenge(*, session: Session, challenge_id: uuid.UUID, **changes: Any) -> Challenge:
    challenge = _get(session, Challenge, challenge_id, "challenge")
    _only(changes, {"title", "description", "theme_code"}, "challenge")
    changes = _one_line(Challenge, changes)
    if "title" in changes and not str(changes["title"]).strip():
        raise DomainError("A challenge needs a short title.")
    if "theme_code" in changes:
        interview = session.get(Interview, challenge.interview_id)
        _check_code(session, interview.study_id, CodeKind.CHALLENGE_THEME, changes["theme_code"])
    return _apply(session, challenge, changes)


def reorder_challenges(
    *, session: Session, interview_id: uuid.UUID, ordered_ids: Sequence[uuid.UUID]
) -> list[Challenge]:
    """Puts the interview's challenges in the given order; ranks become 1..n."""
    ranked = live_challenges(session=session, interview_id=interview_id)
    by_id = {challenge.id: challenge for challenge in ranked}
    if sorted(map(str, ordered_ids)) != sorted(map(str, by_id)):
        raise DomainError("A new order must list each of the interview's challenges once.")
    ordered = [by_id[challenge_id] for challenge_id in ordered_ids]
    with edit(session):
        _set_ranks(session, ordered)
    return ordered


def move_challenge(*, session: Session, challenge_id: uuid.UUID, rank: int) -> list[Challenge]:
    """Moves one challenge to ``rank`` (1 = most significant), shifting the others."""
    challenge = _get(session, Challenge, challenge_id, "challenge")
    if challenge.deleted_at is not None:
        raise DomainError("A removed challenge cannot be moved.")
    ranked = live_challenges(session=session, interview_id=challenge.interview_id)
    if rank not in range(1, len(ranked) + 1):
        raise DomainError(f"Rank {rank} is outside 1 to {len(ranked)}.")
    ranked.remove(challenge)
    ranked.insert(rank - 1, challenge)
    return reorder_challenges(
        session=session,
        interview_id=challenge.interview_id,
        ordered_ids=[item.id for item in ranked],
    )


def remove_challenge(*, session: Session, challenge_id: uuid.UUID) -> None:
    """Marks the challenge deleted and closes the gap in the ranks."""
    challenge = _get(session, Challenge, challenge_id, "challenge")
    ranked = live_challenges(session=session, interview_id=challenge.interview_id)
    with edit(session):
        challenge.deleted_at = utc_now()
        challenge.rank = None
        touch(challenge)
        _set_ranks(session, [item for item in ranked if item.id != challenge.id])


def restore_challenge(
    *, session: Session, challenge_id: uuid.UUID, rank: int | None = None
) -> Challenge:
    """Brings a removed challenge back, at ``rank`` or at the bottom."""
    challenge = _get(session, Challenge, challenge_id, "challenge")
    interview = session.get(Interview, challenge.interview_id)
    ranked = live_challenges(session=session, interview_id=challenge.interview_id)
    limit = _max_challenges(session, interview)
    if len(ranked) >= limit:
        raise DomainError(
            f"An interview has at most {limit} challenges; remove one before restoring another."
        )
    position = len(ranked) if rank is None else max(0, min(rank - 1, len(ranked)))
    ranked.insert(position, challenge)
    with edit(session):
        challenge.deleted_at = None
        _set_ranks(session, ranked)
    return challenge


# ------------------------------------------------------------------------- initiatives, effects


def add_initiative(
    *,
    session: Session,
    interview_id: uuid.UUID,
    title: str,
    description: str = "",
    category_code: str | None = None,
    status: InitiativeStatus = InitiativeStatus.UNDERWAY,
    start_date: date | None = None,
) -> Initiative:
    interview = get_interview(session=session, interview_id=interview_id)
    title = one_line_nfc(title).strip()
    if not title:
        raise DomainError("An initiative needs a short title.")
    _check_code(session, interview.study_id, CodeKind.INITIATIVE_CATEGORY, category_code)
    _check_dates(start_date)
    count = len(
        session.exec(select(Initiative.id).where(Initiative.interview_id == interview_id)).all()
    )
    with edit(session):
        initiative = Initiative(
            interview_id=interview_id,
            position=count,
            title=title,
            description=clean_text(description),
            category_code=category_code,
            status=_listed(InitiativeStatus, "initiative", "status", status),
            start_date=start_date,
        )
        session.add(initiative)
    return initiative


def update_initiative(*, session: Session, initiative_id: uuid.UUID, **changes: Any) -> Initiative:
    initiative = _get(session, Initiative, initiative_id, "initiative")
    _only(changes, {"title", "description", "category_code", "status", "start_date"}, "initiative")
    changes = _one_line(Initiative, changes)
    _check_dates(changes.get("start_date"))
    if "title" in changes and not str(changes["title"]).strip():
        raise DomainError("An initiative needs a short title.")
    if "category_code" in changes:
        interview = session.get(Interview, initiative.interview_id)
        _check_code(
            session, interview.study_id, CodeKind.INITIATIVE_CATEGORY, changes["category_code"]
        )
    if "status" in changes:
        changes["status"] = _listed(InitiativeStatus, "initiative", "status", changes["status"])
    return _apply(session, initiative, changes)


def remove_initiative(*, session: Session, initiative_id: uuid.UUID) -> None:
    """Marks the initiative and its effects deleted (undone by ``restore_initiative``)."""
    initiative = _get(session, Initiative, initiative_id, "initiative")
    now = utc_now()
    with edit(session):
        initiative.deleted_at = now
        touch(initiative)
        for effect in initiative.effects:
            if effect.deleted_at is None:
                effect.deleted_at = now
                touch(effect)


def restore_initiative(*, session: Session, initiative_id: uuid.UUID) -> None:
    """Undoes ``remove_initiative``, bringing back the effects removed with it."""
    initiative = _get(session, Initiative, initiative_id, "initiative")
    removed_at = initiative.deleted_at
    with edit(session):
        initiative.deleted_at = None
        touch(initiative)
        for effect in initiative.effects:
            if removed_at is not None and effect.deleted_at == removed_at:
                effect.deleted_at = None
                touch(effect)


def _check_figure(baseline: float | None, current: float | None) -> None:
    for name, value in (("baseline", baseline), ("current value", current)):
        if value is not None and number_problem(value):  # "inf" and "nan" are no figures
            raise DomainError(f"The {name} of a figure must be a finite number.")


def add_effect(
    *,
    session: Session,
    initiative_id: uuid.UUID,
    kind: EffectKind = EffectKind.OBSERVED,
    description: str = "",
    metric: str | None = None,
    baseline: float | None = None,
    current: float | None = None,
    unit: str | None = None,
    period: str | None = None,
    interview_id: uuid.UUID | None = None,
) -> Effect:
    """An effect of one initiative; it always belongs to that initiative's interview."""
    initiative = _get(session, Initiative, initiative_id, "initiative")
    if interview_id is not None and interview_id != initiative.interview_id:
        raise DomainError("An effect must belong to an initiative of the same interview.")
    if initiative.deleted_at is not None:
        raise DomainError("A removed initiative cannot get new effects.")
    _check_figure(baseline, current)
    count = len(session.exec(select(Effect.id).where(Effect.initiative_id == initiative_id)).all())
    with edit(session):
        effect = Effect(
            interview_id=initiative.interview_id,
            initiative_id=initiative_id,
            position=count,
            kind=_listed(EffectKind, "effect", "kind", kind),
            description=clean_text(description),
            baseline=baseline,
            current=current,
            **_one_line(Effect, {"metric": metric, "unit": unit, "period": period}),
        )
        session.add(effect)
    return effect


def update_effect(*, session: Session, effect_id: uuid.UUID, **changes: Any) -> Effect:
    effect = _get(session, Effect, effect_id, "effect")
    _only(
        changes,
        {"kind", "description", "metric", "baseline", "current", "unit", "period", "initiative_id"},
        "effect",
    )
    _check_figure(changes.get("baseline"), changes.get("current"))
    if "initiative_id" in changes:
        target = _get(session, Initiative, changes["initiative_id"], "initiative")
        if target.interview_id != effect.interview_id:
            raise DomainError("An effect must belong to an initiative of the same interview.")
    if "kind" in changes:
        changes["kind"] = _listed(EffectKind, "effect", "kind", changes["kind"])
    return _apply(session, effect, changes)


def remove_effect(*, session: Session, effect_id: uuid.UUID) -> None:
    effect = _get(session, Effect, effect_id, "effect")
    _set_deleted(session, effect, True)


def restore_effect(*, session: Session, effect_id: uuid.UUID) -> None:
    effect = _get(session, Effect, effect_id, "effect")
    initiative = session.get(Initiative, effect.initiative_id)
    if initiative.deleted_at is not None:
        raise DomainError("Restore the effect's initiative first.")
    _set_deleted(session, effect, False)


# ------------------------------------------------------------------------- quotes


def add_quote(
    *,
    session: Session,
    interview_id: uuid.UUID,
    text: str,
    speaker_role: str | None = None,
    question_key: str | None = None,
    theme_code: str | None = None,
    challenge_id: uuid.UUID | None = None,
    initiative_id: uuid.UUID | None = None,
    use_in_report: bool = False,
    offset_seconds: int | None = None,
    captured_at: datetime | None = None,
) -> Quote:
    """A verbatim quote; the speaker is the respondent's role unless said otherwise."""
    interview = get_interview(session=session, interview_id=interview_id)
    text = clean_text(text)
    if not text.strip():
        raise DomainError("A quote needs some text.")
    _check_code(session, interview.study_id, CodeKind.CHALLENGE_THEME, theme_code)
    _check_link(session, Challenge, challenge_id, interview_id, "challenge")
    _check_link(session, Initiative, initiative_id, interview_id, "initiative")
    with edit(session):
        quote = Quote(
            interview_id=interview_id,
            text=text,
            speaker_role=clean_name(speaker_role or interview.respondent_role),
            question_key=question_key,
            theme_code=theme_code,
            challenge_id=challenge_id,
            initiative_id=initiative_id,
            use_in_report=use_in_report,
            offset_seconds=offset_seconds,
            captured_at=captured_at or utc_now(),
        )
        session.add(quote)
    return quote


def update_quote(*, session: Session, quote_id: uuid.UUID, **changes: Any) -> Quote:
    quote = _get(session, Quote, quote_id, "quote")
    _only(
        changes,
        {
            "text",
            "speaker_role",
            "question_key",
            "theme_code",
            "challenge_id",
            "initiative_id",
            "use_in_report",
        },
        "quote",
    )
    changes = _one_line(Quote, changes)
    if "text" in changes and not str(changes["text"]).strip():
        raise DomainError("A quote needs some text.")
    interview = session.get(Interview, quote.interview_id)
    if "theme_code" in changes:
        _check_code(session, interview.study_id, CodeKind.CHALLENGE_THEME, changes["theme_code"])
    _check_link(session, Challenge, changes.get("challenge_id"), interview.id, "challenge")
    _check_link(session, Initiative, changes.get("initiative_id"), interview.id, "initiative")
    return _apply(session, quote, changes)


def remove_quote(*, session: Session, quote_id: uuid.UUID) -> None:
    quote = _get(session, Quote, quote_id, "quote")
    _set_deleted(session, quote, True)


def restore_quote(*, session: Session, quote_id: uuid.UUID) -> None:
    quote = _get(session, Quote, quote_id, "quote")
    _set_deleted(session, quote, False)


# ------------------------------------------------------------------------- reading


def live_initiatives(*, session: Session, interview_id: uuid.UUID) -> list[Initiative]:
    return list(
        session.exec(
            select(Initiative)
            .where(Initiative.interview_id == interview_id, col(Initiative.deleted_at).is_(None))
            .order_by(Initiative.position, Initiative.created_at)
        )
    )


def live_effects(*, session: Session, interview_id: uuid.UUID) -> list[Effect]:
    return list(
        session.exec(
            select(Effect)
            .join(Initiative, Initiative.id == Effect.initiative_id)
            .where(Effect.interview_id == interview_id, col(Effect.deleted_at).is_(None))
            .order_by(Initiative.position, Effect.position, Effect.created_at)
        )
    )


def live_quotes(*, session: Session, interview_id: uuid.UUID) -> list[Quote]:
    return list(
        session.exec(
            select(Quote)
            .where(Quote.interview_id == interview_id, col(Quote.deleted_at).is_(None))
            .order_by(Quote.created_at)
        )
    )


def answers_by_question(*, session: Session, interview_id: uuid.UUID) -> dict[str, Answer]:
    rows = session.exec(select(Answer).where(Answer.interview_id == interview_id))
    return {answer.question_key: answer for answer in rows}


def ratings_by_scale(*, session: Session, interview_id: uuid.UUID) -> dict[tuple[str, str], Rating]:
    rows = session.exec(select(Rating).where(Rating.interview_id == interview_id))
    return {(rating.question_key, rating.scale_key): rating for rating in rows}


def study_of(*, session: Session, interview: Interview) -> Study:
    return session.get(Study, interview.study_id)


def duplicate_as_template(
    *, session: Session, interview_id: uuid.UUID, interview_date: date, device: str = ""
) -> Interview:
    """A new draft with the same respondent role, area, municipality, place and interviewer,
    and no answers: for a series of interviews in one place. Name and consent are not copied."""
    source = get_interview(session=session, interview_id=interview_id)
    study = session.get(Study, source.study_id)
    return create_interview(
        session=session,
        study=study,
        respondent_role=source.respondent_role,
        service_area=source.service_area,
        municipality=source.municipality,
        interview_date=interview_date,
        interviewer=session.get(Interviewer, source.interviewer_id)
        if source.interviewer_id
        else None,
        location=source.location,
        mode=source.mode,
        device=device,
    )


def replace_study_files(
    *,
    session: Session,
    study: Study,
    guide_toml: str | None = None,
    codebook: Codebook | None = None,
) -> Study:
    """Gives a study another guide or codebook; only before its first interview, since
    interviews already taken refer to the questions and codes they were taken with."""
    has_interviews = session.exec(
        select(Interview.id).where(Interview.study_id == study.id)
    ).first()
    if has_interviews is not None:
        raise DomainError(
            "The study already has interviews; its guide and codebook can no longer be replaced."
        )
    guide = parse_guide(guide_toml) if guide_toml is not None else None
    with edit(session):
        if guide is not None:
            study.guide_toml = guide_toml
            study.guide_id, study.guide_version = guide.id, guide.version
        if codebook is not None:
            for entry in session.exec(
                select(CodebookEntry).where(CodebookEntry.study_id == study.id)
            ):
                session.delete(entry)
            session.flush()
            _add_codebook(session, study, codebook)
            study.codebook_id, study.codebook_version = codebook.id, codebook.version
        touch(study)
    return study


# ------------------------------------------------------------------------- helpers


def _one_line(model: type, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the model's one-line fields on one line (see SINGLE_LINE_FIELDS) and
    its text of several lines clean (MULTI_LINE_FIELDS)."""
    single = SINGLE_LINE_FIELDS.get(model, frozenset())
    several = MULTI_LINE_FIELDS.get(model, frozenset())

    def cleaned(field: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if field in single:
            return one_line_nfc(value)
        return clean_text(value) if field in several else value

    return {field: cleaned(field, value) for field, value in values.items()}


def _apply(session: Session, record: Record, changes: dict[str, Any]) -> Record:
    """Writes already-checked changes to one record as one edit (one-line fields on one
    line)."""
    changes = _one_line(type(record), changes)
    with edit(session):
        for field, value in changes.items():
            setattr(record, field, value)
        touch(record)
    return record


def _set_deleted(session: Session, record: Record, deleted: bool) -> None:
    with edit(session):
        record.deleted_at = utc_now() if deleted else None
        touch(record)


def _get(session: Session, model: type[Record], record_id: uuid.UUID, name: str):
    record = session.get(model, record_id)
    if record is None:
        raise DomainError(f"That {name} does not exist.")
    return record


def _only(changes: dict[str, Any], allowed: set[str], name: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(f"These {name} fields cannot be edited: {', '.join(sorted(unknown))}")


def _check_link(
    session: Session,
    model: type[Challenge] | type[Initiative],
    record_id: uuid.UUID | None,
    interview_id: uuid.UUID,
    name: str,
) -> None:
    if record_id is None:
        return
    record = session.get(model, record_id)
    if record is None or record.interview_id != interview_id:
        raise DomainError(f"A quote can only be linked to a {name} of the same interview.")
