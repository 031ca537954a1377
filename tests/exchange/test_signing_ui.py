"""Signed bundles in the app: Settings shows this machine's fingerprint; a bundle from a new
key is shown with its fingerprint for a person to accept, then merged; the Senders dialog
accepts, refuses and adds keys and sets the study's rule, as `interviewer senders` does."""

from interviewer.exchange import signing
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.storage.database import open_database
from interviewer.ui.exchange_dialogs import NewSenderDialog, SendersDialog, settle_held_senders
from tests.exchange.conftest import field_database


def held_bundle(tmp_path, study_file, key, name="Carl Eskildsen"):
    field = field_database(tmp_path, study_file, "carl", seed=3)
    bundle = tmp_path / "carl.bundle"
    write_bundle(field, bundle, interviewer=name, signing_key=key, password="a long password")
    return bundle


def test_settings_shows_this_machines_fingerprint(qtbot, session, study):
    from interviewer.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session, study, has_interviews=False)
    qtbot.addWidget(dialog)
    assert dialog.signing_key.text() == signing.this_machines_key().fingerprint


def test_a_held_bundle_is_shown_accepted_and_merged_again(qtbot, tmp_path, study_file):
    carl = signing.SigningKey.generate()
    bundle = held_bundle(tmp_path, study_file, carl)
    central = open_database(tmp_path / "central.sqlite")
    report = merge_bundles(central.path, [bundle], password="a long password")
    [held] = report.held
    dialog = NewSenderDialog(held)
    qtbot.addWidget(dialog)
    assert dialog.fingerprint.text() == carl.fingerprint
    dialog.accept_button.click()
    assert dialog.choice == "accept"

    again = settle_held_senders(None, central, report.held, ask=lambda _p, _r: "accept")
    assert again == [bundle]
    [result] = merge_bundles(central.path, again, password="a long password").bundles
    assert (result.added, result.interviewer) == (12, "Carl Eskildsen")
    central.close()


def test_later_leaves_the_key_waiting_and_refuse_refuses_it(qtbot, tmp_path, study_file):
    carl = signing.SigningKey.generate()
    bundle = held_bundle(tmp_path, study_file, carl)
    central = open_database(tmp_path / "central.sqlite")
    report = merge_bundles(central.path, [bundle], password="a long password")
    assert settle_held_senders(None, central, report.held, ask=lambda _p, _r: None) == []
    assert merge_bundles(central.path, [bundle], password="a long password").held
    assert settle_held_senders(None, central, report.held, ask=lambda _p, _r: "refuse") == []
    [result] = merge_bundles(central.path, [bundle], password="a long password").bundles
    assert "refused at this centre" in result.refused
    central.close()


def test_the_senders_dialog_accepts_adds_and_sets_the_rule(qtbot, tmp_path, study_file):
    carl = signing.SigningKey.generate()
    bundle = held_bundle(tmp_path, study_file, carl)
    central = open_database(tmp_path / "central.sqlite")
    merge_bundles(central.path, [bundle], password="a long password")
    dialog = SendersDialog(central)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == carl.fingerprint
    assert dialog.table.item(0, 2).text() == "waiting for a person to accept it"
    dialog.table.selectRow(0)
    dialog.accept_key.click()
    assert dialog.table.item(0, 2).text() == "accepted"
    [result] = merge_bundles(central.path, [bundle], password="a long password").bundles
    assert result.added == 12  # the study is adopted now: keys are added for it

    dora = signing.SigningKey.generate()
    dialog.name.setText("Dora Ry")
    dialog.key.setText("not a key")
    dialog.add.click()
    assert "not a signing key" in dialog.refusal.text()
    dialog.key.setText(dora.public_key)
    dialog.add.click()
    assert dialog.refusal.isHidden()
    assert {dialog.table.item(r, 1).text() for r in range(2)} == {"Carl Eskildsen", "Dora Ry"}

    dialog.rule.setCurrentIndex(dialog.rule.findData("known_only"))
    with central.session() as session:
        assert signing.sender_rule(session=session) == "known_only"
    central.close()


def test_a_read_only_copy_shows_the_senders_but_changes_nothing(qtbot, tmp_path, study_file):
    from interviewer.storage.database import open_database_read_only

    carl = signing.SigningKey.generate()
    bundle = held_bundle(tmp_path, study_file, carl)
    merge_bundles(tmp_path / "central.sqlite", [bundle], password="a long password")
    database = open_database_read_only(tmp_path / "central.sqlite")
    dialog = SendersDialog(database)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert not any(
        w.isEnabled() for w in (dialog.accept_key, dialog.refuse_key, dialog.add, dialog.rule)
    )
    database.close()
