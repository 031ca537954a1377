"""A quote being typed in the quote box, or put aside with Esc: a draft, kept in the database.

A draft is a quote record marked deleted at the very moment it was created (``deleted_at ==
created_at``), so no list shows it, every bundle and check treats it as a removed quote, and no
schema change was needed; a quote removed from a list is deleted later than it was created, so
it is never taken for a draft. Typing into the box saves the draft as notes are saved (so a
crash loses at most the last moments), Enter keeps it (it becomes a live quote), Esc leaves it a
draft that the box reopens with (also after the window closed or the app was killed), and
emptying the box drops it (an ordinary removed quote).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from interviewer import interviews as svc
from interviewer.errors import DomainError
from interviewer.storage.models import Quote


def is_draft(quote: Quote) -> bool:
    return quote.deleted_at is not None and quote.deleted_at == quote.created_at


def start_draft(
    *,
    session: Session,
    interview_id: uuid.UUID,
    text: str,
    question_key: str | None = None,
    theme_code: str | None = None,
    use_in_report: bool = False,
    offset_seconds: int | None = None,
    captured_at: datetime | None = None,
) -> Quote:
    """A new draft with the text typed so far; raises DomainError as ``add_quote`` does."""
    quote = svc.add_quote(
        session=session,
        interview_id=interview_id,
        text=text,
        question_key=question_key,
        theme_code=theme_code,
        use_in_report=use_in_report,
        offset_seconds=offset_seconds,
        captured_at=captured_at,
    )
    put_aside(session=session, quote_id=quote.id)
    return quote


def save_draft(*, session: Session, quote_id: uuid.UUID, **changes: Any) -> Quote:
    """The draft's text, theme, question or report mark as typed (``update_quote``'s fields)."""
    return svc.update_quote(session=session, quote_id=quote_id, **changes)


def keep(*, session: Session, quote_id: uuid.UUID) -> Quote:
    """The draft becomes a quote, as any list shows it; returns it."""
    svc.restore_quote(session=session, quote_id=quote_id)
    return session.get(Quote, quote_id)


def put_aside(*, session: Session, quote_id: uuid.UUID) -> Quote:
    """A quote (a draft, or one just kept from it) is a draft again: hidden, offered again;
    returns it. Raises DomainError for an unknown id."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise DomainError("That quote does not exist.")
    with svc.edit(session):
        quote.deleted_at = quote.created_at
        svc.touch(quote)
    return quote


def drop(*, session: Session, quote_id: uuid.UUID) -> None:
    """An emptied draft: an ordinary removed quote, offered no more."""
    svc.remove_quote(session=session, quote_id=quote_id)


def latest_draft(*, session: Session, interview_id: uuid.UUID) -> Quote | None:
    """The draft of this interview typed into last, or None."""
    removed = session.exec(
        select(Quote)
        .where(Quote.interview_id == interview_id, col(Quote.deleted_at).is_not(None))
        .order_by(col(Quote.updated_at).desc())
    )
    return next((quote for quote in removed if is_draft(quote)), None)
