"""Field databases of one study, as two interviewers would have them."""

import pytest

from interviewer.demo import generate_demo
from interviewer.exchange.study_file import export_study, import_study
from interviewer.storage.database import open_database


def reseal(manifest: dict, payload: bytes, key=None) -> None:
    """Recomputes an edited bundle's checksum and signs it again, with ``key`` or this
    machine's signing key (the one write_bundle signs with in tests): an edit only a sender
    holding a signing key could make, so the checks behind the signature are what it meets."""
    from interviewer.exchange.bundle import bundle_checksum
    from interviewer.exchange.signing import this_machines_key

    manifest["checksum"] = bundle_checksum(manifest, payload)
    if "signature" in manifest:
        manifest["signature"] = (key or this_machines_key()).sign(manifest["checksum"])


def field_database(folder, study_file, name, seed, interviews=12):
    path = folder / f"{name}.sqlite"
    import_study(path, study_file)
    database = open_database(path, backup=False)
    generate_demo(database, interviews=interviews, seed=seed)
    database.close()
    return path


@pytest.fixture
def study_file(tmp_path):
    lead = tmp_path / "lead.sqlite"
    open_database(lead).close()
    path = tmp_path / "study.json"
    export_study(lead, path)
    return path


@pytest.fixture
def two_fields(tmp_path, study_file):
    return (
        field_database(tmp_path, study_file, "mette", seed=1),
        field_database(tmp_path, study_file, "jonas", seed=2),
    )
