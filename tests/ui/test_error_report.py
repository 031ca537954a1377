"""An unexpected error is reported calmly, and neither the log nor the dialog holds what was
typed (an exception's message can carry it): the log has the exception's type and where it
happened, file, line and function."""

import logging

from interviewer.ui import app as app_module

TYPED = "Hanne said the budget of 1.250.000 kr was cut"


def typing_goes_wrong(text: str) -> None:
    raise ValueError(f"could not read {text!r}")


def test_the_log_and_the_dialog_hold_where_it_happened_but_not_what_was_typed(caplog, monkeypatch):
    shown = []
    monkeypatch.setattr(
        app_module.QMessageBox, "critical", lambda *args: shown.append(" ".join(map(str, args)))
    )
    try:
        typing_goes_wrong(TYPED)
    except ValueError as error:
        with caplog.at_level(logging.ERROR):
            app_module._report_unexpected_error(type(error), error, error.__traceback__)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged
    assert "typing_goes_wrong" in logged and "test_error_report.py" in logged
    for part in (TYPED, "1.250.000", "Hanne", "could not read"):
        assert part not in logged
        assert all(part not in text for text in shown)
    assert shown and "Your saved work is safe" in shown[0]


def test_an_error_in_a_background_task_is_logged_without_its_message(caplog):
    import threading

    def work():
        typing_goes_wrong(TYPED)

    with caplog.at_level(logging.ERROR):
        before, threading.excepthook = threading.excepthook, app_module._log_thread_error
        try:
            thread = threading.Thread(target=work)
            thread.start()
            thread.join()
        finally:
            threading.excepthook = before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and "typing_goes_wrong" in logged
    assert TYPED not in logged and "could not read" not in logged
