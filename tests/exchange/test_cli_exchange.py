"""The field-to-central commands, run as processes on two machines' worth of data folders."""

import os
import sqlite3

from tests.helpers import run_cli as run


def test_a_bundle_from_one_machine_merges_on_another(tmp_path):
    field, centre = tmp_path / "field-laptop", tmp_path / "central-office"
    (tmp_path / "pass.txt").write_text("the centre's passphrase\n")
    assert (
        run(
            "keys",
            "new",
            "-o",
            centre / "keys",
            "--passphrase-file",
            tmp_path / "pass.txt",
            home=centre,
        ).returncode
        == 0
    )
    assert (
        run("demo", "--db", centre / "lead.sqlite", "--interviews", 0, home=centre).returncode == 0
    )
    result = run(
        "study",
        "export",
        "--db",
        centre / "lead.sqlite",
        "-o",
        tmp_path / "study.json",
        "--public-key",
        centre / "keys" / "study-public.pem",
        home=centre,
    )
    assert result.returncode == 0, result.stderr
    # the field laptop: its own data folder, so its own device id
    assert (
        run(
            "study", "import", "--db", field / "mine.sqlite", tmp_path / "study.json", home=field
        ).returncode
        == 0
    )
    assert (
        run(
            "demo", "--db", field / "mine.sqlite", "--interviews", 7, "--seed", 5, home=field
        ).returncode
        == 0
    )
    result = run(
        "export",
        "bundle",
        "--db",
        field / "mine.sqlite",
        "-o",
        tmp_path / "m.bundle",
        "--interviewer",
        "Mette Sørensen",
        home=field,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.bundle").read_bytes().startswith(b"IVWBUNDLE1")  # to the study key

    merge = (
        "merge",
        "--db",
        centre / "central.sqlite",
        "--private-key",
        centre / "keys" / "study-private.pem",
        "--passphrase-file",
        tmp_path / "pass.txt",
        tmp_path / "m.bundle",
    )
    # the centre does not know the laptop's signing key yet: the bundle waits for a person,
    # who compares the fingerprint the interviewer reads out from `keys show`, and accepts it
    shown = run("keys", "show", home=field).stdout
    fingerprint = shown.split("fingerprint: ")[1].split()[0]
    held = run(*merge, home=centre)
    assert held.returncode == 1, held.stderr
    assert f"m.bundle: held: its sender's signing key {fingerprint} is new here" in held.stdout
    listed = run("senders", "--db", centre / "central.sqlite", home=centre)
    assert f"{fingerprint}  Mette Sørensen: waiting for a person to accept it" in listed.stdout
    accepted = run(
        "senders", "--db", centre / "central.sqlite", "--accept", fingerprint, home=centre
    )
    assert accepted.returncode == 0, accepted.stderr
    result = run(*merge, home=centre)
    assert result.returncode == 0, result.stderr
    assert "m.bundle: 7 added, 0 updated, 0 unchanged, 0 conflicts" in result.stdout
    assert "total: 7 added" in result.stdout
    again = run(*merge, home=centre)
    assert "0 added, 0 updated, 7 unchanged, 0 conflicts" in again.stdout

    field_device = (field / "data" / "Interviewer" / "device-id").read_text().strip()
    connection = sqlite3.connect(centre / "central.sqlite")
    devices = {row[0] for row in connection.execute("SELECT DISTINCT device FROM provenance")}
    senders = {row[0] for row in connection.execute("SELECT interviewer FROM merged_bundle")}
    connection.close()
    assert devices == {f"{os.uname().nodename}/{field_device}"}
    assert senders == {"Mette Sørensen"}
    assert "0 conflicts" in run("conflicts", "--db", centre / "central.sqlite", home=centre).stdout
    assert run("check", "--db", centre / "central.sqlite", home=centre).returncode == 0


def test_merge_says_which_bundle_it_refused_and_why(tmp_path):
    (tmp_path / "junk.bundle").write_bytes(b"not a bundle at all")
    result = run(
        "merge", "--db", tmp_path / "central.sqlite", tmp_path / "junk.bundle", home=tmp_path
    )
    assert result.returncode == 1
    assert "junk.bundle: refused: this is not a bundle" in result.stdout
    assert "Traceback" not in result.stderr
