"""On a 1366×768 screen, at the smallest and largest text size and in both languages, every
dialog (new interview, settings, export, send, merge, conflicts, the quote box on every step)
opens within the screen, every widget lies inside it, and no label or placeholder is cut."""

from pathlib import Path

import pytest

from interviewer.ui.settings import FONT_SIZES
from tests.ui.test_fits_the_screen import (  # noqa: F401 - study_file is a fixture
    problems_in,
    run_fits_driver,
    study_file,
)

DRIVER = Path(__file__).with_name("dialogs_fit_driver.py")


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("size", [min(FONT_SIZES), max(FONT_SIZES)])
def test_every_dialog_fits_a_1366_by_768_screen(study_file, language, size):  # noqa: F811
    path, config = study_file
    problems = problems_in(run_fits_driver(DRIVER, language, size, path, config))
    assert not problems, "\n".join(problems)
