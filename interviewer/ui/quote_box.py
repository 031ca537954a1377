"""The quick quote box: opens over any step, catches a quote verbatim, and gives focus back.

Enter keeps the quote, Shift+Enter breaks a line, Esc drops it. The time into the interview
and the clock time are taken at the first keystroke, to match a recording later.
"""

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from interviewer import interviews as svc
from interviewer.i18n import tr
from interviewer.storage.models import CodeKind
from interviewer.ui.fields import CodeCombo, none_text
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.tab_order import keep_visual_tab_order


class QuoteText(QPlainTextEdit):
    """Enter keeps, Shift+Enter breaks the line; notes the moment of the first keystroke."""

    def __init__(self, box: "QuoteBox"):
        super().__init__(box)
        self.box = box
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.box.keep()
            return
        if self.box.started_at is None and event.text():
            self.box.mark_start()
        super().keyPressEvent(event)


class QuoteBox(QDialog):
    def __init__(
        self, context: InterviewContext, question_key: str | None, step_title: str, parent=None
    ):
        super().__init__(parent)
        self.context, self.question_key = context, question_key
        self.started_at: datetime | None = None
        self.offset: int | None = None
        self.saved_quote = None
        self.return_focus = QApplication.focusWidget()
        self.setWindowTitle(tr("Quote"))
        self.setModal(True)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        role = context.interview.respondent_role
        tag = QLabel(tr("Quote · {step} · said by {role}", step=step_title, role=role))
        tag.setObjectName("sectionTitle")
        tag.setWordWrap(True)
        self.text = QuoteText(self)
        self.text.setAccessibleName(tr("Quote, word for word"))
        self.text.setMinimumHeight(110)
        self.theme = CodeCombo(context.code_entries(CodeKind.CHALLENGE_THEME), none_text())
        self.theme.setAccessibleName(tr("Theme"))
        self.use_in_report = QCheckBox(tr("Use in report"))
        hint = QLabel(tr("Enter keeps it · Shift+Enter breaks a line · Esc drops it"))
        hint.setObjectName("hint")

        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Theme")))
        row.addWidget(self.theme, 1)
        row.addWidget(self.use_in_report)
        layout = QVBoxLayout(self)
        layout.addWidget(tag)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addWidget(hint)
        keep_visual_tab_order(self)
        self.text.setFocus()

    def mark_start(self) -> None:
        self.started_at = datetime.now(UTC)
        self.offset = self.context.elapsed_seconds()

    def keep(self) -> None:
        text = self.text.toPlainText()
        if not text.strip():
            self.reject()
            return
        context = self.context
        self.saved_quote = context.save(
            lambda: svc.add_quote(
                session=context.session,
                interview_id=context.interview_id,
                text=text,
                question_key=self.question_key,
                theme_code=self.theme.currentData(),
                use_in_report=self.use_in_report.isChecked(),
                offset_seconds=self.offset,
                captured_at=self.started_at,
            )
        )
        if self.saved_quote is not None:
            self.accept()

    def done(self, result):  # noqa: D401 - Qt's name
        super().done(result)
        if self.parentWidget() is not None:
            self.parentWidget().activateWindow()
        if self.return_focus is not None:
            self.return_focus.setFocus(Qt.FocusReason.OtherFocusReason)
