"""The log of a command: warnings on the stderr of the moment, and the file log once."""

import contextlib
import io
import logging

from interviewer import cli


def test_a_command_run_in_process_warns_on_the_stderr_of_the_moment(tmp_path, capsys):
    cli.main(["check", "--db", str(tmp_path / "none.sqlite")])
    capsys.readouterr()
    later = io.StringIO()  # the caller's stream now; the one the command saw may be closed
    with contextlib.redirect_stderr(later):
        logging.getLogger("interviewer.test").warning("a warning after the command")
    assert "a warning after the command" in later.getvalue()


def test_commands_run_one_after_another_keep_one_file_log_and_one_terminal_log(tmp_path):
    for _ in range(3):
        cli.main(["check", "--db", str(tmp_path / "none.sqlite")])
    root = logging.getLogger()
    assert sum(bool(getattr(h, "interviewer_log", False)) for h in root.handlers) == 1
    assert sum(bool(getattr(h, "interviewer_terminal", False)) for h in root.handlers) == 1
