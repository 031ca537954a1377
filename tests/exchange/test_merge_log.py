"""A bundle stopped by an error nobody foresaw: the report says so in one sentence and points
at the log, and the log file, not the terminal, holds the error's kind and where it happened,
never its message."""

from interviewer import cli
from interviewer.exchange import merge
from interviewer.exchange.bundle import write_bundle
from interviewer.paths import log_file
from tests.exchange.conftest import field_database

MARKER = "Respondent-Ågård-7731"  # stands for record content an error message could quote


def test_an_unforeseen_error_in_a_merge_is_in_the_log_file_not_the_terminal(
    tmp_path, study_file, capsys, monkeypatch
):
    field = field_database(tmp_path, study_file, "mette", seed=4, interviews=3)
    bundle = tmp_path / "mette.bundle"
    write_bundle(field, bundle, interviewer="Mette", plain=True)

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"a message quoting {MARKER}")

    monkeypatch.setattr(merge, "_merge_one", broken)
    central = tmp_path / "central.sqlite"
    code = cli.main(["merge", "--db", str(central), str(bundle)])
    captured = capsys.readouterr()
    assert code == 1
    assert "unexpected error (RuntimeError)" in captured.out + captured.err
    assert "where it happened is in the log" in captured.out + captured.err
    assert "a bundle was not merged" not in captured.err  # the frames are for the file
    logged = log_file().read_text("utf-8")
    assert "a bundle was not merged: RuntimeError" in logged
    assert "in broken" in logged  # where it happened
    assert MARKER not in captured.out + captured.err + logged
