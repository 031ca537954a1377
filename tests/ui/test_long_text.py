"""Long text never freezes the window: a quote and an effect description that are one
unbroken 300,000-character word are shown as bounded rows in the side panel and on question 4,
in part (with a way to see the rest) on the review page, and every text editor wraps anywhere.
(How long it takes is measured by benchmarks/bench_long_text.py, not here.)"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextOption
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QTextEdit

from interviewer import interviews as svc
from interviewer.ui import fields
from interviewer.ui.fields import PREVIEW, ROW_CHARACTERS, TextArea
from interviewer.ui.quote_box import QuoteBox
from tests.ui.effects_windows import blank_interview, open_window

WORD = "abcdefghij" * 30_000  # one word, 300,000 characters
WRAPPING = (QTextOption.WrapMode.WrapAnywhere, QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)


@pytest.fixture
def window(qtbot, database):
    interview_id = blank_interview(database, initiatives=("Night shifts shared",))
    with database.session() as session:
        [initiative] = svc.live_initiatives(session=session, interview_id=interview_id)
        svc.add_effect(session=session, initiative_id=initiative.id, description=WORD)
        svc.add_quote(session=session, interview_id=interview_id, text=WORD, question_key="effects")
        svc.set_notes(
            session=session, interview_id=interview_id, question_key="effects", notes=WORD
        )
    return open_window(qtbot, database, interview_id)


def step(window, key):
    window.go_to_step(next(n for n, page in enumerate(window.pages) if page.key == key))


def test_list_rows_are_one_bounded_line(window):
    step(window, "effects")
    quotes = window.side_panel.quotes
    assert quotes.count() == 1
    row = quotes.item(0)
    assert len(row.text()) < ROW_CHARACTERS + 40 and "\n" not in row.text()
    assert len(row.toolTip()) < 1000
    tree = next(page for page in window.pages if page.key == "effects").tree
    effect_row = tree.topLevelItem(0).child(0)
    assert len(effect_row.text(0)) < ROW_CHARACTERS + 40 and len(effect_row.toolTip(0)) < 1000


def test_every_text_editor_wraps_anywhere_and_no_label_holds_the_word(window):
    for key in ("effects", "review"):
        step(window, key)
        editors = window.findChildren(QPlainTextEdit) + window.findChildren(QTextEdit)
        assert editors
        for editor in editors:
            assert editor.wordWrapMode() in WRAPPING, editor.accessibleName()
            if editor is window.pages[-1].summary:
                continue  # the review: a very long word comes in pieces, see below
            if len(editor.toPlainText()) >= len(WORD):  # the word itself: wrapped anywhere
                assert editor.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
        for label in window.findChildren(QLabel):
            assert len(label.text()) < 5000, label.objectName()
    step(window, "effects")
    side = window.side_panel
    assert side.quote_text.toPlainText() == WORD  # the editors hold all of it
    assert side.notes.toPlainText() == WORD


def test_the_review_page_shows_a_part_and_the_rest_on_request(window):
    step(window, "review")
    review = window.pages[-1]
    shown = review.summary.toPlainText()
    assert len(shown) < 20_000
    assert "Show all (300,000 characters)" in shown
    context = window.context
    [quote] = svc.live_quotes(session=context.session, interview_id=context.interview_id)
    review.summary.anchorClicked.emit(QUrl(f"show-all:{quote.id}"))  # as Enter on the link
    # all of it, in pieces where the line may break: only this text wraps inside its word
    assert WORD in review.summary.toPlainText().replace("\u200b", "")
    assert review.summary.wordWrapMode() in WRAPPING


def test_a_long_word_pasted_into_an_editor_switches_it_to_wrap_anywhere(window):
    notes = window.side_panel.notes
    notes.setPlainText("short words only")
    assert notes.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    notes.insertPlainText(" " + "x" * 5000)
    assert notes.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    notes.setPlainText("short again")
    assert notes.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


def test_on_the_review_only_a_text_with_a_very_long_word_breaks_inside_words(window):
    context = window.context
    svc.add_initiative(
        session=context.session,
        interview_id=context.interview_id,
        title="Separate budgets merged",
    )  # no category: nothing dangles after its title
    step(window, "review")
    summary = window.pages[-1].summary
    shown = summary.toPlainText()
    # ordinary words stay whole: the page never wraps anywhere as a whole
    assert summary.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    assert "Separate budgets merged" in shown
    assert "\u200b" in shown  # the 300,000-character word comes in pieces
    for line in shown.splitlines():
        stripped = line.strip().removesuffix(": —")  # a rating not given shows as a dash
        assert not stripped.endswith(("—", "·", ":")), line
        assert "— ·" not in stripped and "· ·" not in stripped and "— —" not in stripped, line


def stored_notes(database, interview_id, key="effects") -> str:
    with database.session() as session:
        return svc.answers_by_question(session=session, interview_id=interview_id)[key].notes


def test_every_multi_line_field_is_one_that_holds_long_text(window, qtbot):
    # a new QPlainTextEdit that is not a TextArea would lay a 300,000-character text out whole
    box = QuoteBox(window.context, "effects", "4 Effects", window)
    qtbot.addWidget(box)
    editors = window.findChildren(QPlainTextEdit)  # the box is the window's child
    assert len(editors) >= 6  # notes, quote text, three descriptions, the quote box's
    assert box.text in editors
    for editor in editors:
        assert isinstance(editor, TextArea), editor.accessibleName()


def test_a_long_text_is_shown_in_part_until_the_field_is_used(window, qtbot):
    step(window, "effects")
    notes = window.side_panel.notes
    assert notes.is_holding()
    shown = QPlainTextEdit.toPlainText(notes)  # what is laid out on the screen
    assert len(shown) < PREVIEW + 300 and shown.startswith(WORD[:PREVIEW])
    assert "300,000 characters in all" in shown
    assert notes.toPlainText() == WORD  # what every reader of the field gets
    # moving between steps, and Tab passing through, lay nothing out
    step(window, "review")
    step(window, "effects")
    notes.setFocus()
    assert notes.is_holding()
    qtbot.keyClick(notes, Qt.Key.Key_Tab)
    assert notes.is_holding()


def test_a_click_shows_all_and_typing_then_edits_the_whole_text(window, qtbot):
    step(window, "effects")
    notes = window.side_panel.notes
    qtbot.mouseClick(notes.viewport(), Qt.MouseButton.LeftButton)
    assert not notes.is_holding()
    assert QPlainTextEdit.toPlainText(notes) == WORD
    assert not notes.document().isUndoAvailable()  # showing it was no edit
    notes.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(notes, "Z")
    window.context.flush()
    assert stored_notes(window.context.database, window.context.interview_id) == WORD + "Z"


def test_a_key_typed_into_the_part_shown_lands_in_the_whole_text(window, qtbot):
    step(window, "effects")
    notes = window.side_panel.notes
    notes.setFocus()
    cursor = notes.textCursor()
    cursor.setPosition(5)
    notes.setTextCursor(cursor)
    qtbot.keyClicks(notes, "Q")
    window.context.flush()
    assert stored_notes(window.context.database, window.context.interview_id) == (
        WORD[:5] + "Q" + WORD[5:]
    )


def test_a_paste_into_the_part_shown_lands_in_the_whole_text(window, qtbot):
    step(window, "effects")
    quote = window.side_panel.quote_text
    assert quote.is_holding()
    QApplication.clipboard().setText("pasted ")
    quote.paste()  # as the context menu or a drop does: no key reaches the field
    window.context.flush()
    context = window.context
    [stored] = svc.live_quotes(session=context.session, interview_id=context.interview_id)
    assert stored.text == "pasted " + WORD
    assert quote.toPlainText() == "pasted " + WORD and not quote.is_holding()


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet="ab \n", min_size=0, max_size=120) | st.just("x" * 90), min_size=1
    )
)
def test_any_text_set_reads_back_whole_and_wraps_for_its_words(qapp, texts):
    # the same rules at small sizes: held over 40 characters, a long word over 30
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fields, "LONG_TEXT", 40)
        patch.setattr(fields, "PREVIEW", 10)
        patch.setattr(fields, "LONG_WORD", 30)
        editor = TextArea()
        for text in texts:
            editor.setPlainText(text)
            assert editor.toPlainText() == text
            assert editor.is_holding() == (len(text) > 40)
            editor.show_all()
            assert QPlainTextEdit.toPlainText(editor) == text
            long_word = max(map(len, text.split()), default=0) > 30
            assert (editor.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere) == long_word
        editor.deleteLater()
