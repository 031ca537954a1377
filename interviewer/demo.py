"""`interviewer demo`: realistic synthetic interviews for tests, benchmarks and trying the app.

All text here is invented for the purpose. The same seed always gives the same interviews,
UUIDs included, and different seeds give different UUIDs, so demo databases can be merged.
Rows are written in bulk, batch by batch, which is what makes 100,000 interviews practical.
"""

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from interviewer.interviews import current_study, interviewer_named, study_codes, study_guide
from interviewer.resources import municipalities
from interviewer.storage.database import Database
from interviewer.storage.models import (
    Answer,
    Challenge,
    CodeKind,
    Effect,
    EffectKind,
    Initiative,
    InitiativeStatus,
    Interview,
    InterviewMode,
    InterviewStatus,
    Quote,
    Rating,
)

BATCH = 1000

INTERVIEWER_NAMES = [
    "Mette Sørensen",
    "Jonas Holm",
    "Aisha Rahimi",
    "Lars Østergaard",
    "Sofie Bæk",
    "Peter Lund",
    "Nanna Friis",
    "Ole Dahl",
    "Camilla Vestergaard",
    "Mads Kjær",
]
FIRST_NAMES = [
    "Birgitte",
    "Henrik",
    "Susanne",
    "Jørgen",
    "Anne-Mette",
    "Søren",
    "Lene",
    "Kasper",
    "Hanne",
    "Thomas",
    "Marianne",
    "Bjørn",
    "Charlotte",
    "Ahmed",
    "Ida",
    "Niels",
    "Gitte",
]
LAST_NAMES = [
    "Mølgaard",
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Kristiansen",
    "Larsen",
    "Thygesen",
    "Ærenlund",
    "Brøgger",
    "Poulsen",
    "Rasmussen",
    "Yilmaz",
    "Skovgaard",
]
ROLES = {
    "child_family": [
        "Head of Child and Family Services",
        "Børne- og familiechef",
        "Head of Section, Children and Youth",
        "Director of Children and Education",
    ],
    "social_psychiatric": [
        "Head of Social Services",
        "Head of Psychiatry and Substance Abuse",
        "Socialchef",
    ],
    "disability": ["Head of Disability Services", "Handicapchef", "Head of Adult Disability"],
    "elderly": ["Head of Elderly Care", "Ældrechef", "Head of Health and Care"],
    "employment": ["Head of the Jobcentre", "Jobcenterchef", "Head of Employment Services"],
    "education": ["Head of Schools", "Skolechef", "Head of Day Care and Schools"],
    "other": ["Municipal Director", "Kommunaldirektør", "Head of Citizen Services"],
}
LOCATIONS = [
    "Town hall, meeting room 2",
    "The manager's office",
    "Rådhuset, lokale 114",
    "Jobcentre, ground floor",
    "Video call",
    "Cafeteria, quiet corner",
]

CHALLENGES = {
    "separate_budgets": [
        (
            "Each unit guards its own budget line",
            "The family's case crosses three budgets, and nobody owns the whole bill.",
        ),
        (
            "Targets that pull apart",
            "Our targets reward fast closure of cases, the jobcentre's reward placements; the "
            "same citizen is counted twice and helped half.",
        ),
        (
            "Budgetterne følger ikke borgeren",
            "Når en ung fylder 18, skifter sagen budget og sagsbehandler fra den ene dag til "
            "den anden.",
        ),
    ],
    "own_resources_focus": [
        (
            "Managers protect their own staff",
            "When a joint effort needs people, each manager sends whoever can be spared.",
        ),
        (
            "Success measured per department",
            "We are praised for staying on budget, not for what the citizen gains overall.",
        ),
    ],
    "structures_favour_existing": [
        (
            "The organisation runs, it does not develop",
            "We are strong in daily operations; new joint ways of working struggle to find a home.",
        ),
        (
            "Old procedures win by default",
            "The existing referral forms decide how we work together, long after they fit.",
        ),
    ],
    "no_shared_core_task": [
        (
            "No common picture of the task",
            "Each profession describes the family's problem in its own words and its own plan.",
        ),
        (
            "Vi taler forbi hinanden",
            "Skole, PPR og familieafdeling har hver deres forståelse af, hvad opgaven er.",
        ),
    ],
    "little_knowledge_of_others": [
        (
            "We don't know what the others can do",
            "Caseworkers rarely know which offers the neighbouring department has.",
        ),
        (
            "New staff never meet the other units",
            "Turnover is high, and the informal contacts disappear with those who leave.",
        ),
    ],
    "resource_pressure": [
        (
            "Cuts make everyone look inwards",
            "In a year of savings, each unit defends its core service and joint meetings go first.",
        ),
    ],
    "blame_culture": [
        (
            "Cases are passed around",
            "When something goes wrong, the first question is whose case it was.",
        ),
    ],
    "complexity_on_citizens": [
        (
            "The citizen holds the plan together",
            "A mother told us she had eleven contact persons, and only she knew them all.",
        ),
        (
            "Too many plans for one family",
            "One family can have a school plan, a treatment plan and a job plan that contradict.",
        ),
    ],
    "professional_legal_political_conflicts": [
        (
            "Data cannot be shared",
            "The rules on personal data stop us from sharing what we know about the same family.",
        ),
        (
            "Political goals that compete",
            "The council wants savings on placements and fewer children at risk, this year.",
        ),
    ],
    "other": [("Hard to recruit specialists", "Vacancies last for months in the rural districts.")],
}
INITIATIVES = {
    "structural_measures": [
        (
            "Cross-sector early intervention team",
            "A standing team that takes the most complex families from the first contact.",
        ),
        (
            "Coordinator for young people 16-25",
            "One coordinator follows the young person across the transition to adult services.",
        ),
    ],
    "joint_training": [
        (
            "Joint course for all caseworkers",
            "Two days a year where child, adult and employment caseworkers train on shared cases.",
        ),
        (
            "Fælles kompetenceforløb",
            "Ledere og medarbejdere fra tre forvaltninger arbejder med de samme sager.",
        ),
    ],
    "authoritative_to_empowering": [
        (
            "Decisions made in the local team",
            "Caseworkers and the family decide together at one meeting instead of by referral.",
        ),
    ],
    "common_budget": [
        (
            "One budget frame for vulnerable families",
            "Savings on placements are reinvested in preventive staff across departments.",
        ),
    ],
    "relational_coordination": [
        (
            "Relational coordination survey",
            "A yearly survey shows where the cooperation between units is weakest.",
        ),
    ],
    "management_practice": [
        (
            "Monthly cross-department leadership forum",
            "The managers meet on concrete cases, not on budgets.",
        ),
    ],
    "closer_to_citizens": [
        (
            "One plan, one contact person",
            "Each family gets one plan and one named person who answers the phone.",
        ),
        (
            "Office hours at the schools",
            "Family counsellors and the jobcentre hold weekly office hours where the families are.",
        ),
    ],
    "other": [("Shared case system pilot", "Testing a joint case overview across three units.")],
}
FIGURES = [
    ("children placed outside the home", 48, 11, "children", "2015–2017"),
    ("cases resolved at first contact", 35, 62, "%", "2016–2017"),
    ("average case processing time", 41, 23, "days", "last 12 months"),
    ("citizens with one coordinated plan", 12, 140, "citizens", "since start"),
    ("re-referrals within six months", 27, 15, "%", "2016–2017"),
    ("relational coordination index", 3.1, 3.7, "score 1–5", "2016–2017"),
    ("young people in education or work", 54, 68, "%", "one year"),
]
OBSERVATIONS = [
    "Families say they now know who to call.",
    "Fewer meetings where the family has to tell its story again.",
    "Caseworkers call each other before they write a referral.",
    "Borgerne oplever, at vi taler sammen, før vi beslutter noget.",
    "Sickness absence has gone down in the joint team.",
]
EXPECTATIONS = [
    "We expect fewer emergency placements next year.",
    "The first measurement is planned for the spring.",
    "Vi forventer kortere sagsforløb, men har endnu ingen tal.",
]
QUOTES = [
    "We each defend our own budget line, and the family pays the difference.",
    "Honestly, the structure is the problem, not the people.",
    "When the money is tight, the doors close between the departments.",
    "The citizen should not have to be the one who coordinates us.",
    "Vi har fået én plan for familien, og det kan de mærke.",
    "It took a year before the managers trusted each other with money.",
    "We measured it, and the numbers surprised even the sceptics. 📈",
    "If you ask where the gains are, they are between our departments.",
    "Det er ikke strukturen, der løser det – det er relationerne.",
]
NOTES = [
    "Talked mostly about the transition at 18.",
    "Respondent had prepared figures; asked for the report afterwards.",
    "Mentions the council's budget agreement several times.",
    "Afbrudt af telefon ca. 5 min.",
    "Strong on structures, less concrete on effects.",
]


class _Ids:
    """Random UUIDs drawn from the demo's seeded generator, so a seed gives the same ids."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def _long_text(rng: random.Random, sentence: str) -> str:
    return " ".join([sentence] * rng.randint(20, 60))


def generate_demo(
    database: Database,
    *,
    interviews: int,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Adds ``interviews`` synthetic interviews to the database's study; returns the count."""
    rng = random.Random(seed)
    new_id = _Ids(rng)
    with database.session() as session:
        study = current_study(session=session)
        guide = study_guide(study)
        areas = [
            c.code for c in study_codes(session=session, study=study, kind=CodeKind.SERVICE_AREA)
        ]
        themes = {
            c.code for c in study_codes(session=session, study=study, kind=CodeKind.CHALLENGE_THEME)
        }
        categories = {
            c.code
            for c in study_codes(session=session, study=study, kind=CodeKind.INITIATIVE_CATEGORY)
        }
        staff = [
            interviewer_named(session=session, study=study, name=name).id
            for name in rng.sample(INTERVIEWER_NAMES, 5)
        ]
        study_id = study.id
    places = municipalities()
    start_day = date(2017, 4, 1)
    tables = (Interview, Answer, Rating, Challenge, Initiative, Effect, Quote)
    written = 0
    while written < interviews:
        batch = min(BATCH, interviews - written)
        rows: dict[type, list[dict]] = {table: [] for table in tables}
        for _ in range(batch):
            _one_interview(
                rows,
                rng,
                new_id,
                study_id=study_id,
                guide=guide,
                staff=staff,
                areas=areas,
                themes=themes,
                categories=categories,
                places=places,
                start_day=start_day,
            )
        # Core inserts, not ORM ones: the ORM splits a batch wherever a row has a None.
        with database.engine.begin() as connection:
            for table in tables:
                if rows[table]:
                    connection.execute(table.__table__.insert(), rows[table])
        written += batch
        if progress:
            progress(written, interviews)
    return written


def _one_interview(
    rows, rng, new_id, *, study_id, guide, staff, areas, themes, categories, places, start_day
) -> None:
    area = rng.choice(areas)
    day = start_day + timedelta(days=rng.randrange(153))
    start = time(rng.randint(8, 15), rng.choice([0, 15, 30, 45]))
    stamp = datetime.combine(day, start, tzinfo=UTC)
    interview_id = new_id()
    role = rng.choice(ROLES.get(area, ROLES["other"]))
    complete = rng.random() < 0.85
    consent = rng.random() < 0.9
    rows[Interview].append(
        dict(
            id=interview_id,
            created_at=stamp,
            updated_at=stamp,
            study_id=study_id,
            guide_version=guide.version,
            interviewer_id=rng.choice(staff),
            respondent_role=role,
            service_area=area,
            municipality=rng.choice(places),
            respondent_name=(
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                if rng.random() < 0.7
                else None
            ),
            consent_given=consent,
            consent_date=day if consent else None,
            interview_date=day,
            start_time=start,
            end_time=time(start.hour + 1, start.minute),
            location=rng.choice(LOCATIONS),
            mode=rng.choice(list(InterviewMode)).value,
            status=(InterviewStatus.COMPLETE if complete else InterviewStatus.DRAFT).value,
            created_device="demo",
            deleted_at=None,
        )
    )
    common = dict(interview_id=interview_id, created_at=stamp, updated_at=stamp)
    for question in guide.questions:
        rows[Answer].append(
            dict(
                id=new_id(),
                question_key=question.key,
                notes=rng.choice(NOTES) if rng.random() < 0.5 else "",
                notes_started_offset=rng.randint(0, 3000),
                seconds_spent=rng.randint(120, 1500),
                **common,
            )
        )
        for scale in question.scales:
            dont_know = rng.random() < 0.08
            rows[Rating].append(
                dict(
                    id=new_id(),
                    question_key=question.key,
                    scale_key=scale.key,
                    value=None if dont_know else rng.choices(range(1, 6), [1, 2, 4, 6, 4])[0],
                    dont_know=dont_know,
                    **common,
                )
            )
    challenge_ids = []
    for rank in range(1, rng.choices([0, 1, 2, 3], [1, 2, 5, 30])[0] + 1):
        theme = rng.choice(sorted(themes & CHALLENGES.keys()))
        title, description = rng.choice(CHALLENGES[theme])
        if rng.random() < 0.03:
            description = _long_text(rng, description)
        challenge_ids.append(new_id())
        rows[Challenge].append(
            dict(
                id=challenge_ids[-1],
                rank=rank,
                title=title,
                description=description,
                theme_code=theme,
                deleted_at=None,
                **common,
            )
        )
    initiative_ids = []
    for position in range(rng.choices([0, 1, 2, 3, 4], [2, 6, 8, 5, 2])[0]):
        category = rng.choice(sorted(categories & INITIATIVES.keys()))
        title, description = rng.choice(INITIATIVES[category])
        initiative_ids.append(new_id())
        rows[Initiative].append(
            dict(
                id=initiative_ids[-1],
                position=position,
                title=title,
                description=description,
                category_code=category,
                status=rng.choice(list(InitiativeStatus)).value,
                start_date=day - timedelta(days=rng.randint(60, 900))
                if rng.random() < 0.8
                else None,
                deleted_at=None,
                **common,
            )
        )
        for effect_position in range(rng.choices([0, 1, 2, 3], [3, 6, 3, 1])[0]):
            kind = rng.choices(list(EffectKind), [4, 4, 3, 1])[0]
            figure = dict(metric=None, baseline=None, current=None, unit=None, period=None)
            if kind is EffectKind.MEASURED:
                metric, baseline, current, unit, period = rng.choice(FIGURES)
                figure = dict(
                    metric=metric, baseline=baseline, current=current, unit=unit, period=period
                )
                description = f"{metric.capitalize()}: {baseline} → {current} {unit}."
            elif kind is EffectKind.EXPECTED:
                description = rng.choice(EXPECTATIONS)
            elif kind is EffectKind.NONE_YET:
                description = "Too early to say."
            else:
                description = rng.choice(OBSERVATIONS)
            rows[Effect].append(
                dict(
                    id=new_id(),
                    initiative_id=initiative_ids[-1],
                    position=effect_position,
                    kind=kind.value,
                    description=description,
                    deleted_at=None,
                    **figure,
                    **common,
                )
            )
    for _ in range(rng.choices([0, 1, 2, 3, 4], [3, 5, 5, 3, 1])[0]):
        question = rng.choice(guide.questions)
        rows[Quote].append(
            dict(
                id=new_id(),
                text=rng.choice(QUOTES),
                speaker_role=role,
                question_key=question.key,
                theme_code=rng.choice(sorted(themes)) if rng.random() < 0.6 else None,
                challenge_id=rng.choice(challenge_ids)
                if challenge_ids and rng.random() < 0.3
                else None,
                initiative_id=(
                    rng.choice(initiative_ids) if initiative_ids and rng.random() < 0.2 else None
                ),
                use_in_report=rng.random() < 0.4,
                offset_seconds=rng.randint(0, 3600),
                captured_at=stamp + timedelta(seconds=rng.randint(0, 3600)),
                deleted_at=None,
                **common,
            )
        )


def add_sample_interview(session, *, interview_date: date | None = None):
    """One fully answered interview, made through the same service calls the app uses:
    for screenshots, and as a realistic example. Returns the interview."""
    from interviewer import interviews as svc

    study = current_study(session=session)
    day = interview_date or date(2017, 5, 17)
    interview = svc.create_interview(
        session=session,
        study=study,
        respondent_role="Head of Child and Family Services",
        service_area="child_family",
        municipality="Faaborg-Midtfyn",
        respondent_name="Birgitte Mølgaard",
        consent_given=True,
        consent_date=day,
        interview_date=day,
        start_time=time(10, 0),
        location="Town hall, meeting room 2",
        interviewer=interviewer_named(session=session, study=study, name="Mette Sørensen"),
        device="sample",
    )
    interview_id = interview.id
    for scale, value in (("department", 5), ("municipality", 3)):
        svc.set_rating(
            session=session,
            interview_id=interview_id,
            question_key="priority",
            scale_key=scale,
            value=value,
        )
    svc.set_notes(
        session=session,
        interview_id=interview_id,
        question_key="priority",
        notes="High in the department since the new director; the council is "
        "split on it.\nMentions the budget agreement twice.",
        started_offset=95,
    )
    for title, description, theme in (
        (
            "Each unit guards its own budget line",
            "A family's case crosses three budgets, and nobody owns the whole bill.",
            "separate_budgets",
        ),
        (
            "No common picture of the task",
            "School, psychologists and family services each write their own plan.",
            "no_shared_core_task",
        ),
        (
            "Cuts make everyone look inwards",
            "In a year of savings the joint meetings are the first thing to go.",
            "resource_pressure",
        ),
    ):
        svc.add_challenge(
            session=session,
            interview_id=interview_id,
            title=title,
            description=description,
            theme_code=theme,
        )
    first = svc.add_initiative(
        session=session,
        interview_id=interview_id,
        title="One plan, one contact person",
        description="Each family gets one plan and one named person who answers the phone.",
        category_code="closer_to_citizens",
        start_date=date(2016, 3, 1),
    )
    second = svc.add_initiative(
        session=session,
        interview_id=interview_id,
        title="One budget frame for families",
        description="Savings on placements are reinvested in preventive staff.",
        category_code="common_budget",
        start_date=date(2016, 9, 1),
    )
    svc.add_effect(
        session=session,
        initiative_id=first.id,
        kind=EffectKind.OBSERVED,
        description="Families say they now know who to call.",
    )
    svc.add_effect(
        session=session,
        initiative_id=second.id,
        kind=EffectKind.MEASURED,
        description="Far fewer children placed outside the home.",
        metric="children placed outside the home",
        baseline=48,
        current=11,
        unit="children",
        period="2015–2017",
    )
    svc.add_effect(
        session=session,
        initiative_id=second.id,
        kind=EffectKind.EXPECTED,
        description="Shorter cases, measured from the spring.",
    )
    svc.add_quote(
        session=session,
        interview_id=interview_id,
        question_key="challenges",
        text="We each defend our own budget line, and the family pays the difference.",
        theme_code="separate_budgets",
        use_in_report=True,
        offset_seconds=754,
    )
    svc.add_quote(
        session=session,
        interview_id=interview_id,
        question_key="effects",
        text="Vi har fået én plan for familien, og det kan de mærke.",
        initiative_id=first.id,
        offset_seconds=2710,
    )
    return interview
