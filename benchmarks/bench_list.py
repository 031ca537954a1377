"""Listing 10,000 interviews, and filtering them at each keystroke (budget: under 50 ms)."""

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from benchmarks.common import Result, demo_database, median  # noqa: E402
from interviewer.listing import list_interviews  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.ui.interview_table import InterviewFilterModel, InterviewTableModel  # noqa: E402

TYPED = ["Head of Child", "Ærø", "complete 4 of 4", "Sofie"]


def run() -> list[Result]:
    app = QApplication.instance() or QApplication([])
    database = open_database(demo_database(10_000), backup=False)
    started = time.perf_counter()
    with database.session() as session:
        rows = list_interviews(session=session)
    model = InterviewTableModel(rows)
    proxy = InterviewFilterModel()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.resize(1200, 700)
    view.show()
    app.processEvents()
    load = time.perf_counter() - started

    per_key = []
    for text in TYPED:
        for end in list(range(1, len(text) + 1)) + list(range(len(text) - 1, -1, -1)):
            started = time.perf_counter()
            proxy.set_filter_text(text[:end])
            app.processEvents()  # the view repaints what is left
            per_key.append((time.perf_counter() - started) * 1000)
    database.close()
    worst = max(per_key)
    return [
        Result("list 10,000 interviews (query, model, view)", f"{load * 1000:.0f} ms", "-", None),
        Result(
            f"filter 10,000, per keystroke: median of {len(per_key)}",
            f"{median(per_key):.1f} ms",
            "< 50 ms",
            median(per_key) < 50,
        ),
        Result("filter 10,000, per keystroke: worst", f"{worst:.1f} ms", "< 50 ms", worst < 50),
    ]
