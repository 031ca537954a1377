"""A central database with one open conflict, and bundles not merged into it yet."""

import shutil
from pathlib import Path

from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.signing import SigningKey, add_sender
from interviewer.storage.database import open_database
from tests.exchange.conftest import field_database
from tests.exchange.test_merge import edit_role, first_interview


def central_with_a_conflict(folder: Path, study_file: Path) -> tuple[Path, list[Path]]:
    """Returns (central database, [two bundles to merge]). The conflict: one interview
    edited in the office and on a copy taken on the train, both merged."""
    mette = field_database(folder, study_file, "mette", seed=1)
    jonas = field_database(folder, study_file, "jonas", seed=2, interviews=30)
    copy = folder / "copy.sqlite"
    shutil.copy(mette, copy)
    interview_id = first_interview(mette)
    edit_role(mette, interview_id, "Office version")
    edit_role(copy, interview_id, "Train version")
    for source, name in ((mette, "office"), (copy, "train")):
        write_bundle(source, folder / f"{name}.bundle", plain=True)
    central = folder / "central.sqlite"
    merge_bundles(central, [folder / "office.bundle", folder / "train.bundle"])
    # the two bundles still to merge come from Jonas's and Mette's own machines, whose keys
    # the centre knows: the app merging them may run with user folders (and a key) of its own
    database = open_database(central, backup=False)
    for source, name, file in ((jonas, "Jonas", "jonas"), (mette, "Mette", "again")):
        key = SigningKey.generate()
        with database.session() as session:
            add_sender(session=session, name=name, public_key=key.public_key, by="")
        write_bundle(
            source, folder / f"{file}.bundle", interviewer=name, plain=True, signing_key=key
        )
    database.close()
    return central, [folder / "jonas.bundle", folder / "again.bundle"]
