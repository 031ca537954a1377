"""Databases for the export tests: demo data, and an interview full of awkward text."""

from datetime import date

import pytest

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview, generate_demo
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind

LONG = "".join(
    f"Sentence {n:05d} of a very long note about the joint budget. " for n in range(1300)
)
AWKWARD = {
    "danish": "Ærø, Ølstykke og Åbenrå – søjler på tværs",
    "emoji": "Samarbejde 🤝 virker 👍🏽",
    "rtl": "التعاون بين الإدارات — שיתוף פעולה",
    "formula": "=SUM(A1:A9)",
    "plus": "+45 70 60 50 97",
    "minus": "-3 children in care",
    "at": "@the town hall",
    "tab": "\tindented by a tab",
    "cr": "\rstarts with a carriage return",
    "control": "bell\x07 escape\x1b null\x00 end",
}
NAME = "Karen Blixen-Finecke"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "demo.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=1000, seed=12)
    database.close()
    return path


@pytest.fixture
def awkward_db(tmp_path):
    """One sample interview, and one whose texts are everything a file format fears."""
    path = tmp_path / "awkward.sqlite"
    database = open_database(path)
    with database.session() as session:
        add_sample_interview(session)
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role=AWKWARD["formula"],
            service_area="employment",
            municipality=AWKWARD["danish"],
            respondent_name=NAME,
            interview_date=date(2017, 6, 2),
            location=AWKWARD["at"],
        )
        for key in ("danish", "emoji", "rtl"):
            svc.add_challenge(
                session=session,
                interview_id=interview.id,
                title=AWKWARD[key],
                description=LONG if key == "danish" else AWKWARD["tab"],
            )
        initiative = svc.add_initiative(
            session=session,
            interview_id=interview.id,
            title=AWKWARD["plus"],
            description=AWKWARD["cr"],
        )
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            kind=EffectKind.MEASURED,
            description=AWKWARD["minus"],
            metric=AWKWARD["control"],
            baseline=12.5,
            current=3,
            unit="%",
        )
        for key in ("emoji", "rtl", "control", "formula"):
            svc.add_quote(
                session=session,
                interview_id=interview.id,
                text=AWKWARD[key],
                theme_code="blame_culture",
                use_in_report=True,
            )
        svc.set_notes(
            session=session, interview_id=interview.id, question_key="effects", notes=LONG
        )
        interview_id = interview.id
    database.close()
    return path, interview_id
