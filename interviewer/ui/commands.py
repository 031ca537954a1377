"""The commands of the two windows, each with its menu, text (with an Alt mnemonic) and
shortcuts, in one table: it builds the menu bars and the actions, and F1 lists it, so the
help cannot drift from what the keys do.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from interviewer.guide import Guide
from interviewer.i18n import language, tr

SEPARATOR = "-"


@dataclass(frozen=True)
class Command:
    """One command: ``name`` (the window's slot and attribute, ``<name>_action``), its menu
    text with an ``&`` before the Alt letter, and its shortcuts (the first is shown)."""

    name: str
    text: str
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    # WidgetShortcut: the key belongs to one widget (Enter and Delete to the table)
    widget_only: bool = False
    help: str = ""  # what F1 says, when the menu text alone does not say it


def main_menus() -> list[tuple[str, list[Command | str]]]:
    """The main window's menus, in the app's current language."""
    return [
        (
            tr("&File"),
            [
                Command("new", tr("&New interview"), ("Ctrl+N",)),
                Command("open", tr("&Open"), ("Return",), widget_only=True),
                Command("duplicate", tr("&Duplicate as template"), ("Ctrl+D",)),
                Command("delete", tr("De&lete"), (QKeySequence.StandardKey.Delete,), True),
                SEPARATOR,
                Command("export", tr("&Export…"), ("Ctrl+Shift+E",)),
                SEPARATOR,
                Command(
                    "restore",
                    tr("&Restore from a backup…"),
                    ("Ctrl+Shift+R",),
                    help=tr("Go back to a backup; what the file holds now is kept first"),
                ),
                SEPARATOR,
                Command("settings", tr("&Settings"), ("Ctrl+,",)),
                SEPARATOR,
                Command("quit", tr("&Quit"), ("Ctrl+Q",)),
            ],
        ),
        (
            tr("&Edit"),
            [
                Command(
                    "undo",
                    tr("&Undo"),
                    (QKeySequence.StandardKey.Undo,),
                    widget_only=True,
                ),
                Command("find", tr("&Filter the interviews"), (QKeySequence.StandardKey.Find,)),
            ],
        ),
        (
            tr("E&xchange"),
            [
                Command("send", tr("&Send bundle…"), ("Ctrl+Shift+B",)),
                Command("merge", tr("&Merge bundles…"), ("Ctrl+Shift+M",)),
                Command("conflicts", tr("&Conflicts"), ("Ctrl+Shift+K",)),
                Command(
                    "senders",
                    tr("Se&nders…"),
                    ("Ctrl+Shift+I",),
                    help=tr("The interviewers' signing keys: accept a new sender, add a key"),
                ),
            ],
        ),
        (tr("&Help"), [Command("help", tr("&Keyboard shortcuts"), ("F1",))]),
    ]


def step_titles(guide: Guide) -> list[str]:
    """The rail's steps: the respondent, each question of the guide, the review."""
    lang = language()
    return [tr("Respondent"), *(q.title.in_language(lang) for q in guide.questions), tr("Review")]


def interview_menus(steps: list[str]) -> list[tuple[str, list[Command | str]]]:
    """The interview window's menus for a rail of ``steps`` (Ctrl+0 … Ctrl+9)."""
    # Ctrl+0 … Ctrl+9: a guide of more questions reaches the later steps by Ctrl+Tab
    go = [
        Command(
            f"step_{n}",
            f"&{n}  {title}" if n <= 9 else title,
            (f"Ctrl+{n}",) if n <= 9 else (),
            help=tr("Go to {step}", step=title),
        )
        for n, title in enumerate(steps)
    ]
    return [
        (
            tr("&Interview"),
            [
                Command("export", tr("&Export Word…"), ("Ctrl+Shift+E",)),
                Command("start_clock", tr("&Start clock now"), ("Ctrl+Shift+T",)),
                SEPARATOR,
                Command("close", tr("&Close"), ("Ctrl+W",)),
            ],
        ),
        (
            tr("&Edit"),
            [
                Command("undo", tr("&Undo"), (QKeySequence.StandardKey.Undo,)),
                Command("redo", tr("&Redo"), (QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z")),
                SEPARATOR,
                Command("quote", tr("New &quote"), ("Ctrl+G",)),
                Command("notes", tr("&Notes for this step"), ("Ctrl+Shift+N",)),
            ],
        ),
        (
            tr("&Go"),
            [
                *go,
                SEPARATOR,
                Command("next_step", tr("&Next step"), ("Ctrl+Tab",)),
                Command(
                    "previous_step", tr("&Previous step"), ("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab")
                ),
            ],
        ),
        (tr("&View"), [Command("side_panel", tr("&Side panel"), ("Ctrl+Shift+P",))]),
        (tr("&Help"), [Command("help", tr("&Keyboard shortcuts"), ("F1",))]),
    ]


def plain(text: str) -> str:
    """A menu text without its mnemonic marker, as a toolbar or the help shows it."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def key_text(command: Command) -> str:
    """The shortcuts of a command as the help lists them, in the platform's words."""
    shown = []
    for keys in command.keys:
        sequences = (
            QKeySequence.keyBindings(keys)
            if isinstance(keys, QKeySequence.StandardKey)
            else [QKeySequence(keys)]
        )
        for sequence in sequences[:1]:
            text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            if text and text not in shown and "Backtab" not in text:
                shown.append(text)
    return " / ".join(shown).replace("Return", "Enter")


def build_menus(
    window: QMainWindow,
    menus: list[tuple[str, list[Command | str]]],
    slot_for: Callable[[str], Callable[[], object]],
    *,
    existing: dict[str, QAction] | None = None,
) -> dict[str, QAction]:
    """Fills ``window``'s menu bar from ``menus``; returns the actions by command name.

    ``slot_for(name)`` gives the slot of each command; an action in ``existing`` (an undo
    stack's undo action, say) is used as it is, given the command's text and keys."""
    existing = existing or {}
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    for title, commands in menus:
        menu: QMenu = bar.addMenu(title)
        for command in commands:
            if command == SEPARATOR:
                menu.addSeparator()
                continue
            action = existing.get(command.name)
            if action is None:
                action = QAction(command.text, window)
                action.triggered.connect(slot_for(command.name))
            action.setText(command.text)
            sequences = []
            for keys in command.keys:
                if isinstance(keys, QKeySequence.StandardKey):
                    sequences.extend(QKeySequence.keyBindings(keys))
                else:
                    sequences.append(QKeySequence(keys))
            # a key given twice (Redo is Ctrl+Shift+Z on some systems) would be ambiguous
            unique = {sequence.toString(): sequence for sequence in sequences}
            action.setShortcuts(list(unique.values()))
            if command.widget_only:
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)  # works with the menu bar hidden too
            # a toolbar shows the short word, also when the text grows (Undo "Delete …")
            action.setIconText(plain(command.text))
            shown = key_text(command)
            action.setToolTip(f"{plain(command.text)} ({shown})" if shown else plain(command.text))
            menu.addAction(action)
            actions[command.name] = action
    return actions


def all_commands(menus: list[tuple[str, list[Command | str]]]) -> list[Command]:
    return [c for _, commands in menus for c in commands if isinstance(c, Command)]
