"""The command line never lets text from a bundle, a study file or the database drive the
terminal: a name, device, role or file name holding ESC, BEL or a bidi override is printed
with those characters escaped (\\x1b, \\u202e), by the `conflicts`, `conflicts --show`,
`senders`, `merge` and `check` processes alike (breaker's F5)."""

import json
import shutil
import sqlite3

from tests.exchange.conflict_data import central_with_a_conflict
from tests.helpers import run_cli as run

RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def assert_escaped(result) -> str:
    printed = result.stdout + result.stderr
    assert not any(raw in printed for raw in RAW), printed
    return printed


def test_names_devices_and_roles_from_outside_are_printed_escaped(tmp_path, study_file):
    central, (jonas_bundle, _) = central_with_a_conflict(tmp_path, study_file)
    # as a file written before the text rule (or by another program) holds them
    connection = sqlite3.connect(central)
    with connection:
        [interview_id] = connection.execute("SELECT interview_id FROM conflict").fetchone()
        source = {  # the other version's bundle, as merge records it
            "bundle": "0b8f6ad4-55a4-4c1e-9a51-8d0d3f0e9a11",
            "interviewer": "Eve \u202eFAKE\u202c",
            "device": "\x1b[2J\x1b]0;owned\x07laptop",
            "file": "S6.bundle",
        }
        connection.execute("UPDATE conflict SET other_source = ?", (json.dumps(source),))
        connection.execute(
            "UPDATE interview SET respondent_role = ? WHERE id = ?",
            ("Head\x1b[31m of\x9b Care", interview_id),
        )
        connection.execute(
            "UPDATE sender_key SET interviewer_name = ?", ("Jonas Berg\x1b[31m\u202e FAKE\x07",)
        )
    connection.close()
    home = tmp_path / "centre"

    listed = assert_escaped(run("conflicts", "--db", central, home=home))
    assert "Head\\x1b[31m of\\x9b Care" in listed
    assert "from Eve \\u202eFAKE\\u202c on \\x1b[2J\\x1b]0;owned\\x07laptop" in listed
    conflict = listed.split()[0]
    shown = assert_escaped(run("conflicts", "--db", central, "--show", conflict, home=home))
    assert "shown: Head\\x1b[31m of\\x9b Care" in shown
    senders = assert_escaped(run("senders", "--db", central, home=home))
    assert "Jonas Berg\\x1b[31m\\u202e FAKE\\x07" in senders
    checked = run("check", "--db", central, home=home)
    assert checked.returncode == 1  # the rule names the stored values, never repeats them
    assert "respondent_role: holds a control character" in assert_escaped(checked)

    # a bundle's own file name (a file system allows ESC in one)
    hostile = tmp_path / "jo\x1b[2Jnas\u202e.bundle"
    shutil.copy(jonas_bundle, hostile)
    merged = run("merge", "--db", central, hostile, home=home)
    report = assert_escaped(merged)
    assert "jo\\x1b[2Jnas\\u202e.bundle: " in report
    connection = sqlite3.connect(central)
    stored = {row[0] for row in connection.execute("SELECT file_name FROM merged_bundle")}
    connection.close()
    assert "jo\\x1b[2Jnas\\u202e.bundle" in stored  # stored as shown: text the rule takes


def test_a_bundle_whose_manifest_names_its_sender_or_device_with_esc_is_refused(
    tmp_path, study_file
):
    from interviewer.exchange.bundle import write_bundle
    from tests.exchange.conftest import field_database
    from tests.exchange.hostile import rewrite

    field = field_database(tmp_path, study_file, "eve", seed=3, interviews=2)
    for name, value in (
        ("device", "laptop\x1b[2J"),
        ("device", "lap\u202etop"),
        ("interviewer", "Eve\x00 Hansen"),
        ("interviewer", "Eve\tHansen"),
    ):
        bundle = tmp_path / "eve.bundle"
        write_bundle(field, bundle, plain=True, interviewer="Eve Hansen")
        rewrite(
            bundle, manifest=lambda manifest, name=name, value=value: manifest.update({name: value})
        )
        merged = run("merge", "--db", tmp_path / "central.sqlite", bundle, home=tmp_path / "c")
        report = assert_escaped(merged)
        assert (
            f"eve.bundle: refused: the manifest's “{name}” is not one line of text "
            "without control or invisible characters"
        ) in report, report
