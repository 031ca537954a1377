"""`interviewer check`: SQLite's own checks plus the app's rules, on a file opened read-only."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, create_engine, text

from interviewer.errors import DatabaseRefused
from interviewer.guide import parse_guide
from interviewer.storage.database import connect_read_only, inspect_file

# Each rule: a description of what is wrong, and a query returning one row per offending record.
RULES: list[tuple[str, str]] = [
    (
        "interview without respondent role, service area, municipality or date",
        """SELECT id FROM interview
           WHERE trim(respondent_role) = '' OR trim(service_area) = ''
              OR trim(municipality) = '' OR interview_date IS NULL""",
    ),
    (
        "challenge ranks are not 1..n without gaps",
        """SELECT interview_id FROM challenge WHERE rank IS NOT NULL
           GROUP BY interview_id HAVING min(rank) != 1 OR max(rank) != count(*)""",
    ),
    (
        "removed challenge still holds a rank, or a live one has none",
        """SELECT id FROM challenge
           WHERE (deleted_at IS NULL) != (rank IS NOT NULL)""",
    ),
    (
        "effect belongs to an initiative of another interview",
        """SELECT effect.id FROM effect JOIN initiative ON initiative.id = effect.initiative_id
           WHERE initiative.interview_id != effect.interview_id""",
    ),
    (
        "quote linked to a challenge or initiative of another interview",
        """SELECT quote.id FROM quote
           LEFT JOIN challenge ON challenge.id = quote.challenge_id
           LEFT JOIN initiative ON initiative.id = quote.initiative_id
           WHERE challenge.interview_id != quote.interview_id
              OR initiative.interview_id != quote.interview_id""",
    ),
    (
        'rating outside 1-5, or both a value and "don\'t know"',
        """SELECT id FROM rating
           WHERE (value IS NOT NULL AND value NOT BETWEEN 1 AND 5)
              OR (dont_know AND value IS NOT NULL)""",
    ),
    (
        "service area not in the study's codebook",
        """SELECT interview.id FROM interview WHERE NOT EXISTS (
             SELECT 1 FROM codebook_entry c WHERE c.study_id = interview.study_id
             AND c.kind = 'service_area' AND c.code = interview.service_area)""",
    ),
    (
        "challenge theme not in the study's codebook",
        """SELECT challenge.id FROM challenge
           JOIN interview ON interview.id = challenge.interview_id
           WHERE challenge.theme_code IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM codebook_entry c WHERE c.study_id = interview.study_id
             AND c.kind = 'challenge_theme' AND c.code = challenge.theme_code)""",
    ),
    (
        "initiative category not in the study's codebook",
        """SELECT initiative.id FROM initiative
           JOIN interview ON interview.id = initiative.interview_id
           WHERE initiative.category_code IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM codebook_entry c WHERE c.study_id = interview.study_id
             AND c.kind = 'initiative_category' AND c.code = initiative.category_code)""",
    ),
]


@dataclass
class HealthReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.healthy:
            return f"{self.path}: {len(self.problems)} problem(s) found"
        listed = ", ".join(f"{count} {table}s" for table, count in self.counts.items())
        return f"{self.path}: healthy ({listed})"


def _guide_problems(connection: Connection) -> list[str]:
    """Every interview must have an answer for each question of its study's guide."""
    problems = []
    studies = connection.execute(text("SELECT id, guide_toml FROM study")).all()
    for study_id, guide_toml in studies:
        try:
            guide = parse_guide(guide_toml)
        except Exception as error:  # noqa: BLE001 - reported, not raised: check never stops early
            problems.append(f"the study's guide cannot be read: {error}")
            continue
        expected = {(q.key, None) for q in guide.questions} | {
            (q.key, s.key) for q in guide.questions for s in q.scales
        }
        rows = connection.execute(
            text(
                """SELECT interview.id, answer.question_key, NULL FROM interview
                   JOIN answer ON answer.interview_id = interview.id
                   WHERE interview.study_id = :study
                   UNION ALL
                   SELECT interview.id, rating.question_key, rating.scale_key FROM interview
                   JOIN rating ON rating.interview_id = interview.id
                   WHERE interview.study_id = :study"""
            ),
            {"study": study_id},
        )
        found: dict[str, set] = {}
        for interview_id, question_key, scale_key in rows:
            found.setdefault(interview_id, set()).add((question_key, scale_key))
        interview_ids = connection.execute(
            text("SELECT id FROM interview WHERE study_id = :study"), {"study": study_id}
        ).scalars()
        missing = [i for i in interview_ids if found.get(i, set()) != expected]
        too_many = (
            connection.execute(
                text(
                    """SELECT challenge.interview_id FROM challenge
                   JOIN interview ON interview.id = challenge.interview_id
                   WHERE interview.study_id = :study AND challenge.rank IS NOT NULL
                   GROUP BY challenge.interview_id HAVING count(*) > :limit"""
                ),
                {"study": study_id, "limit": guide.max_challenges},
            )
            .scalars()
            .all()
        )
        if too_many:
            problems.append(
                f"{len(too_many)} interview(s) rank more than {guide.max_challenges} challenges "
                f"(e.g. {too_many[0]})"
            )
        if missing:
            problems.append(
                f"{len(missing)} interview(s) lack answer records for the guide's questions "
                f"(e.g. {missing[0]})"
            )
    return problems


def check_database(path: Path) -> HealthReport:
    """Checks a database file without changing it. Raises DatabaseRefused for a file
    that cannot be checked at all (not ours, damaged, newer); returns a report otherwise."""
    path = Path(path)
    if not path.exists():
        raise DatabaseRefused(path, "there is no database file here")
    report = HealthReport(path=path)
    if inspect_file(path, full_check=True) is None:
        raise DatabaseRefused(path, "the file is empty: it holds no interviews yet")
    engine = create_engine("sqlite://", creator=lambda: connect_read_only(path))
    try:
        with engine.connect() as connection:
            for table, parent_row, _parent, _fk in connection.exec_driver_sql(
                "PRAGMA foreign_key_check"
            ):
                report.problems.append(f"{table} row {parent_row} points at a missing record")
            for description, query in RULES:
                offenders = connection.execute(text(query)).scalars().all()
                if offenders:
                    report.problems.append(
                        f"{description}: {len(offenders)} record(s) (e.g. {offenders[0]})"
                    )
            report.problems.extend(_guide_problems(connection))
            for table in ("interview", "challenge", "initiative", "effect", "quote"):
                report.counts[table] = connection.execute(
                    text(f"SELECT count(*) FROM {table}")
                ).scalar_one()
    finally:
        engine.dispose()
    return report
