"""Where a merged record came from, in words a person reads."""

import uuid

from sqlmodel import Session

from interviewer.i18n import tr
from interviewer.storage.models import Provenance


def provenance_text(*, session: Session, record_id: uuid.UUID) -> str:
    """ "Came in a bundle from …", or "" for a record made here."""
    row = session.get(Provenance, record_id)
    if row is None:
        return ""
    return tr(
        "Came in a bundle from {who} (device {device}), merged {when}.",
        who=row.interviewer or tr("an interviewer"),
        device=row.device,
        when=row.merged_at.astimezone().strftime("%Y-%m-%d %H:%M"),
    )
