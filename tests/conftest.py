"""Test set-up: Qt offscreen, and every test kept away from the user's real data and settings."""

import os

import pytest

# Before anything imports Qt: no screen is needed to run the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory, monkeypatch):
    """platformdirs and QSettings resolve into a fresh folder for each test."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    monkeypatch.delenv("INTERVIEWER_DB", raising=False)
    yield home
    from interviewer.i18n import set_language

    set_language("en")  # a test that switched to Danish leaves English behind


@pytest.fixture
def database(tmp_path):
    from interviewer.storage.database import open_database

    db = open_database(tmp_path / "study.sqlite")
    yield db
    db.close()


@pytest.fixture
def session(database):
    with database.session() as session:
        yield session


@pytest.fixture
def study(session):
    from interviewer.interviews import current_study

    return current_study(session=session)
