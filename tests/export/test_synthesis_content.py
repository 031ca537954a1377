"""What the Word synthesis says, read back with python-docx and recomputed from the database:
the research-ethics rules (consent, attribution, small numbers), the methods paragraph, numbers
in the reader's language, a report that summarises at any size, and the same document from the
same data."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
import uuid
import zipfile
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from interviewer import interviews as svc
from interviewer.demo import generate_demo
from interviewer.errors import InterviewerError
from interviewer.export.docx_synthesis import (
    LINE_CHARACTERS,
    QUOTE_CHARACTERS,
    QUOTES_PER_THEME,
    shortened,
    write_synthesis_docx,
)
from interviewer.export.options import Attribution, ExportOptions, InterviewFilter
from interviewer.export.xlsx_workbook import write_workbook
from interviewer.figures import parse_figure
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind, InterviewStatus

# ------------------------------------------------------------------------------ reading


def blocks(document):
    """The body in order: ("p", style, text) for each paragraph, ("table", rows) for each
    table, rows as lists of cell texts."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            para = Paragraph(child, document)
            yield ("p", para.style.name, para.text)
        elif child.tag == qn("w:tbl"):
            yield (
                "table",
                [[cell.text for cell in row.cells] for row in Table(child, document).rows],
            )


def captioned_tables(document) -> list[tuple[str, list[list[str]]]]:
    """Every table with the caption just above it ("" when there is none)."""
    found, last_caption = [], ""
    for block in blocks(document):
        if block[0] == "p":
            last_caption = block[2] if block[1] == "Caption" else ""
        else:
            found.append((last_caption, block[1]))
            last_caption = ""
    return found


def table_headed(document, first_header: str) -> list[list[str]]:
    return next(rows for _, rows in captioned_tables(document) if rows[0][0] == first_header)


def all_text(document) -> str:
    parts = []
    for block in blocks(document):
        parts += [block[2]] if block[0] == "p" else ["\t".join(row) for row in block[1]]
    return "\n".join(parts)


def normal_text(document) -> list[str]:
    return [b[2] for b in blocks(document) if b[0] == "p" and b[1] == "Normal"]


def quotes_by_theme(document) -> dict[str, list[tuple[str, str]]]:
    """Theme heading -> [(quote, attribution)], from the quotes section."""
    found, theme, in_quotes, quote = defaultdict(list), None, False, None
    for block in blocks(document):
        if block[0] != "p":
            continue
        _, style, text = block
        if style == "Heading 1":
            in_quotes = text in ("Quotes by theme", "Citater efter tema")
        elif in_quotes and style == "Heading 2":
            theme = text
        elif in_quotes and style == "Quote":
            quote = text
        elif in_quotes and style == "Caption" and quote is not None:
            found[theme].append((quote, text))
            quote = None
    return found


def more_lines(document) -> dict[str, int]:
    """Theme heading -> the number its "n more quotes … in the workbook" line says."""
    found, theme, in_quotes = {}, None, False
    for block in blocks(document):
        if block[0] != "p":
            continue
        _, style, text = block
        if style == "Heading 1":
            in_quotes = text == "Quotes by theme"
        elif in_quotes and style == "Heading 2":
            theme = text
        elif in_quotes and "more quote" in text and "in the workbook" in text:
            found[theme] = int(text.split()[0].replace(",", ""))
    return found


def export(db: Path, tmp_path: Path, name: str = "synthesis.docx", **options):
    out = tmp_path / name
    write_synthesis_docx(db, out, ExportOptions(**options))
    return Document(out)


# ------------------------------------------------------------------------------ databases


def build(path: Path, interviews: list[dict]) -> Path:
    """A database of hand-made interviews. Each dict may hold: area, role, municipality,
    consent, interviewer (a name or None), complete, day, ratings {scale: value},
    themes [theme codes by rank], initiatives [(category, [effect dicts])],
    quotes [(text, theme, use_in_report)]."""
    database = open_database(path)
    with database.session() as session:
        study = svc.current_study(session=session)
        for number, spec in enumerate(interviews):
            name = spec.get("interviewer", "Mette Sørensen")
            interview = svc.create_interview(
                session=session,
                study=study,
                respondent_role=spec.get("role", f"Head of Unit {number}"),
                service_area=spec.get("area", "employment"),
                municipality=spec.get("municipality", "Faaborg-Midtfyn"),
                respondent_name=f"Respondent Nummer{number}",
                interview_date=spec.get("day", date(2017, 3, 1 + number % 28)),
                consent_given=spec.get("consent", True),
                consent_date=spec.get("day", date(2017, 3, 1))
                if spec.get("consent", True)
                else None,
                interviewer=(
                    svc.interviewer_named(session=session, study=study, name=name) if name else None
                ),
            )
            if spec.get("complete", True):
                svc.set_status(
                    session=session, interview_id=interview.id, status=InterviewStatus.COMPLETE
                )
            for scale, value in spec.get("ratings", {}).items():
                svc.set_rating(
                    session=session,
                    interview_id=interview.id,
                    question_key="priority",
                    scale_key=scale,
                    value=value,
                )
            for theme in spec.get("themes", []):
                svc.add_challenge(
                    session=session,
                    interview_id=interview.id,
                    title="A challenge",
                    theme_code=theme,
                )
            for category, effects in spec.get("initiatives", []):
                initiative = svc.add_initiative(
                    session=session,
                    interview_id=interview.id,
                    title="An initiative",
                    category_code=category,
                )
                for effect in effects:
                    svc.add_effect(session=session, initiative_id=initiative.id, **effect)
            for text, theme, marked in spec.get("quotes", []):
                svc.add_quote(
                    session=session,
                    interview_id=interview.id,
                    text=text,
                    theme_code=theme,
                    use_in_report=marked,
                )
    database.close()
    return path


def everything(number: int, **extra) -> dict:
    """An interview with an answer to every part of the guide."""
    return {
        "ratings": {"department": 4, "municipality": 2},
        "themes": ["blame_culture"],
        "initiatives": [
            (
                "common_budget",
                [dict(kind=EffectKind.MEASURED, metric="waiting list", baseline=40, current=12)],
            )
        ],
        "quotes": [(f"Quote number {number} of the study.", "blame_culture", True)],
        **extra,
    }


@pytest.fixture(scope="module")
def demo60(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthesis") / "demo60.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=60, seed=4)
    database.close()
    return path


# ------------------------------------------------------------------------------- consent


def test_quotes_of_interviews_without_recorded_consent_stay_out_unless_asked(tmp_path):
    db = build(
        tmp_path / "consent.sqlite",
        [
            everything(1, consent=True),
            everything(2, consent=True),
            everything(3, consent=False),
        ],
    )
    default = export(db, tmp_path)
    quoted = [quote for quotes in quotes_by_theme(default).values() for quote, _ in quotes]
    assert quoted == ["“Quote number 1 of the study.”", "“Quote number 2 of the study.”"]
    assert "Quotes from interviews without recorded consent are left out." in all_text(default)
    assert "This report includes quotes" not in all_text(default)

    asked = export(db, tmp_path, "asked.docx", quotes_without_consent=True)
    quoted = [quote for quotes in quotes_by_theme(asked).values() for quote, _ in quotes]
    assert "“Quote number 3 of the study.”" in quoted and len(quoted) == 3
    assert "This report includes quotes from interviews without recorded consent." in all_text(
        asked
    )


# --------------------------------------------------------------------------- attribution


def test_quotes_are_attributed_by_role_only_unless_an_option_asks_for_more(tmp_path):
    people = [
        everything(n, role=f"Head of Unit {n}", area="disability", municipality="Ærøskøbing")
        for n in range(3)
    ]
    db = build(tmp_path / "attribution.sqlite", people)

    def said_by(document) -> set[str]:
        return {who for quotes in quotes_by_theme(document).values() for _, who in quotes}

    # the old synthesis attributed "role, service area, municipality" by default: now role only
    assert said_by(export(db, tmp_path)) == {f"— Head of Unit {n}" for n in range(3)}
    area = export(db, tmp_path, "area.docx", attribution=Attribution.ROLE_AND_AREA)
    assert said_by(area) == {f"— Head of Unit {n}, Disability services" for n in range(3)}
    full = export(db, tmp_path, "full.docx", attribution=Attribution.ROLE_AREA_AND_MUNICIPALITY)
    assert said_by(full) == {
        f"— Head of Unit {n}, Disability services, Ærøskøbing" for n in range(3)
    }
    anonymous = export(
        db,
        tmp_path,
        "anonymous.docx",
        attribution=Attribution.ROLE_AREA_AND_MUNICIPALITY,
        personal_data=False,
    )
    assert "Ærøskøbing" not in all_text(anonymous)
    assert "Nummer" not in all_text(anonymous) and "Nummer" not in all_text(full)  # no names


# ------------------------------------------------------------------------- small numbers


def test_no_number_is_shown_that_comes_from_fewer_than_k_interviews(tmp_path):
    db = build(
        tmp_path / "two.sqlite",
        [everything(1, area="disability"), everything(2, area="elderly")],
    )
    # two interviews, k = 3: every figure would come from fewer than k, so no synthesis at
    # all (tests/export/test_small_numbers.py checks the tables of larger choices)
    with pytest.raises(InterviewerError, match=r"^the choice holds 2 interviews, fewer than"):
        export(db, tmp_path, "refused.docx")
    assert not (tmp_path / "refused.docx").exists()
    assert not list(tmp_path.glob("*.docx"))

    # the same data with k = 1 shows every number: the marks above came from the rule
    everyone = export(db, tmp_path, "k1.docx", smallest_group=1)
    ratings = table_headed(everyone, "Service area")
    assert ["Disability services", "1", "50%"] in ratings
    text = all_text(everyone)
    assert "4.0 (1)\t100%\t2.0 (1)\t0%" in text
    assert "waiting list\t2\t2\t40 → 12" in text
    assert len(everyone.inline_shapes) == 2


def rating_rows(connection) -> dict[tuple[str, str], list[int]]:
    rows = defaultdict(list)
    for label, scale, value in connection.execute(
        "SELECT c.label_en, r.scale_key, r.value FROM rating r "
        "JOIN interview i ON i.id = r.interview_id "
        "JOIN codebook_entry c ON c.kind = 'service_area' AND c.code = i.service_area "
        "WHERE i.deleted_at IS NULL AND r.value IS NOT NULL"
    ):
        rows[(label, scale)].append(value)
    return rows


def excel_mean(values: list[int]) -> str:
    exact = Decimal(sum(values)) / Decimal(len(values))
    return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} ({len(values):,})"


@pytest.mark.parametrize("k", [3, 150])
def test_every_mean_and_count_matches_the_database_or_is_marked(demo_db, tmp_path, k):
    document = export(demo_db, tmp_path, smallest_group=k)
    mark = f"< {k}"
    connection = sqlite3.connect(demo_db)
    ratings = rating_rows(connection)
    table = next(rows for _, rows in captioned_tables(document) if rows[0][1].endswith("mean (n)"))
    assert table[0][1:] == [
        "Your department: mean (n)",
        "Your department: 4–5",
        "The municipality: mean (n)",
        "The municipality: 4–5",
    ]
    marked = 0
    for row in table[1:-1]:
        for scale, mean_cell, share_cell in (
            ("department", row[1], row[2]),
            ("municipality", row[3], row[4]),
        ):
            values = ratings[(row[0], scale)]
            if len(values) < k:
                assert mean_cell == share_cell == mark
                marked += 1
            else:
                assert mean_cell == excel_mean(values)
                high = Fraction(100 * sum(v >= 4 for v in values), len(values))
                whole = int(high) + (high - int(high) >= Fraction(1, 2))
                assert share_cell == f"{whole}%"
    every = [v for (_, scale), values in ratings.items() if scale == "department" for v in values]
    assert table[-1][1] == excel_mean(every)  # the "All" row
    assert (marked > 0) == (k == 150)

    themes = table_headed(document, "Theme")
    by_rank = Counter()
    for label, rank, count in connection.execute(
        "SELECT c.label_en, ch.rank, count(DISTINCT ch.interview_id) FROM challenge ch "
        "JOIN interview i ON i.id = ch.interview_id "
        "JOIN codebook_entry c ON c.kind = 'challenge_theme' AND c.code = ch.theme_code "
        "WHERE ch.deleted_at IS NULL AND i.deleted_at IS NULL GROUP BY ch.theme_code, ch.rank"
    ):
        by_rank[(label, rank)] = count
    for row in themes[1:]:
        for rank in (1, 2, 3):
            count = by_rank[(row[0], rank)]
            assert row[2 + rank] == (mark if 0 < count < k else f"{count:,}"), row

    categories = table_headed(document, "Category")
    assert categories[0] == [
        "Category",
        "Initiatives",
        "Interviews",
        "Measured",
        "Observed",
        "Expected",
        "None yet",
    ]
    kinds = {}
    for label, kind, effects, interviews in connection.execute(
        "SELECT c.label_en, e.kind, count(*), count(DISTINCT e.interview_id) FROM effect e "
        "JOIN initiative n ON n.id = e.initiative_id "
        "JOIN interview i ON i.id = e.interview_id "
        "JOIN codebook_entry c ON c.kind = 'initiative_category' AND c.code = n.category_code "
        "WHERE e.deleted_at IS NULL AND n.deleted_at IS NULL AND i.deleted_at IS NULL "
        "GROUP BY n.category_code, e.kind"
    ):
        kinds[(label, kind)] = (effects, interviews)
    connection.close()
    for row in categories[1:]:
        for column, kind in enumerate(("measured", "observed", "expected", "none_yet"), start=3):
            effects, interviews = kinds.get((row[0], kind), (0, 0))
            expected = mark if effects and interviews < k else f"{effects:,}"
            assert row[column] == expected, (row, kind)


def test_the_figures_are_summarised_per_measure_with_their_medians(demo_db, tmp_path):
    document = export(demo_db, tmp_path)
    connection = sqlite3.connect(demo_db)
    figures = defaultdict(list)
    for metric, unit, baseline, current, interview_id in connection.execute(
        "SELECT e.metric, e.unit, e.baseline, e.current, e.interview_id FROM effect e "
        "JOIN initiative n ON n.id = e.initiative_id JOIN interview i ON i.id = e.interview_id "
        "WHERE e.deleted_at IS NULL AND n.deleted_at IS NULL AND i.deleted_at IS NULL "
        "AND (e.baseline IS NOT NULL OR e.current IS NOT NULL)"
    ):
        figures[f"{metric} ({unit})"].append((baseline, current, interview_id))
    connection.close()

    def median(values) -> Fraction:
        ordered = sorted(Fraction(repr(v)) for v in values)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    every = next(
        rows for caption, rows in captioned_tables(document) if "All categories" in caption
    )
    assert every[0] == ["Measure", "Figures", "Interviews", "Median before → now"]
    assert {row[0] for row in every[1:]} == set(figures)
    for measure, count, interviews, medians in every[1:]:
        rows = figures[measure]
        assert count == f"{len(rows):,}"
        assert interviews == f"{len({r[2] for r in rows}):,}"
        before, now = medians.split(" → ")
        assert Fraction(repr(parse_figure(before, "en"))) == median(r[0] for r in rows)
        assert Fraction(repr(parse_figure(now, "en"))) == median(r[1] for r in rows)
    assert "The workbook lists every figure." in " ".join(normal_text(document))


def test_a_figure_without_a_current_value_says_so_in_both_languages(tmp_path):
    waiting = dict(kind=EffectKind.OBSERVED, metric="waiting time", unit="weeks")
    db = build(
        tmp_path / "figures.sqlite",
        [
            everything(1, initiatives=[("common_budget", [dict(waiting, baseline=0.1)])]),
            everything(2, initiatives=[("common_budget", [dict(waiting, baseline=0.2)])]),
            everything(3, initiatives=[("common_budget", [dict(waiting, baseline=1250.5)])]),
        ],
    )
    english = all_text(export(db, tmp_path))
    assert "waiting time (weeks)\t3\t3\t0.2 (3) → no current value" in english
    danish = all_text(export(db, tmp_path, "da.docx", language="da"))
    assert "waiting time (weeks)\t3\t3\t0,2 (3) → ingen værdi nu" in danish
    # "measured" is the kind: these observed effects with a figure are not counted as measured
    categories = table_headed(export(db, tmp_path, "k.docx"), "Category")
    assert categories[1][3:5] == ["0", "3"]


def test_numbers_are_written_in_the_readers_language(demo_db, tmp_path):
    english = export(demo_db, tmp_path, smallest_group=1)
    danish = export(demo_db, tmp_path, "da.docx", language="da", smallest_group=1)
    assert normal_text(english)[0].startswith("1,000 interviews · written")
    assert normal_text(danish)[0].startswith("1.000 interviews · skrevet")
    english_ratings, danish_ratings = (
        next(
            rows
            for _, rows in captioned_tables(d)
            if rows[0][0] in ("Service area", "Område") and len(rows[0]) == 5
        )
        for d in (english, danish)
    )
    for english_row, danish_row in zip(english_ratings[1:], danish_ratings[1:], strict=True):
        for english_cell, danish_cell in zip(english_row[1:], danish_row[1:], strict=True):
            assert danish_cell == (
                english_cell.replace(",", "\x00")
                .replace(".", ",")
                .replace("\x00", ".")
                .replace("%", "\xa0%")
            )
    assert any("," in row[1] for row in danish_ratings[1:])  # a decimal comma: 3,6 (152)


# ---------------------------------------------------------------------------- the methods


def test_the_methods_say_which_interviews_and_whether_drafts_count(demo_db, tmp_path):
    connection = sqlite3.connect(demo_db)
    drafts, first, last = connection.execute(
        "SELECT sum(status = 'draft'), min(interview_date), max(interview_date) FROM interview "
        "WHERE deleted_at IS NULL"
    ).fetchone()
    complete_in_employment = connection.execute(
        "SELECT count(*) FROM interview WHERE deleted_at IS NULL AND status = 'complete' "
        "AND service_area = 'employment'"
    ).fetchone()[0]
    connection.close()
    methods = normal_text(export(demo_db, tmp_path))
    # months, never days: the first and the last day would each date one interview
    assert f"This synthesis covers 1,000 interviews, held {first[:7]} to {last[:7]}." in methods
    assert "Every interview of the study." in methods
    assert f"Including {drafts:,} drafts, interviews not yet marked complete." in methods
    assert any("fewer than 3 interviews" in line for line in methods)
    assert any("attributed by role only" in line for line in methods)

    chosen = normal_text(
        export(
            demo_db,
            tmp_path,
            "chosen.docx",
            filter=InterviewFilter(service_areas=("employment",), status="complete"),
            personal_data=False,
        )
    )
    assert (
        f"This synthesis covers {complete_in_employment} interviews, held {first[:7]} to "
        f"{last[:7]}." in chosen
    )  # months only, without personal data
    assert "Chosen: service area Employment services; status complete." in chosen
    assert "Complete interviews only." in chosen
    assert not any("Including" in line for line in chosen)


def test_interviews_without_an_interviewer_are_counted(tmp_path):
    db = build(
        tmp_path / "interviewers.sqlite",
        [
            everything(1, interviewer="Mette Sørensen"),
            everything(2, interviewer="Mette Sørensen"),
            everything(3, interviewer="Jonas Holm"),
            everything(4, interviewer=None),
        ],
    )

    def line(**options) -> str:
        methods = normal_text(export(db, tmp_path, **options))
        return next(line for line in methods if line.startswith("Interviews per interviewer"))

    assert line(smallest_group=1) == (
        "Interviews per interviewer: Mette Sørensen (2), Jonas Holm (1), "
        "no interviewer recorded (1)."
    )
    # a count under k is pooled with the others, as the tables mark theirs
    assert line(smallest_group=2) == (
        "Interviews per interviewer: Mette Sørensen (2), the others together (2)."
    )
    assert line(smallest_group=3) == (
        "Interviews per interviewer: each held fewer than 3, so they are not listed."
    )
    # anonymised: numbered as ethics.interviewer_labels numbers them for the whole study
    anonymised = line(smallest_group=1, personal_data=False)
    assert "Mette" not in anonymised and "Jonas" not in anonymised
    assert anonymised.count("Interviewer ") == 2


# ------------------------------------------------------------------------- at any size


def test_quotes_per_theme_are_limited_marked_first_and_the_rest_counted(tmp_path):
    quotes = [(f"Unmarked quote {n}.", "blame_culture", False) for n in range(5)] + [
        (f"Marked quote {n}.", "blame_culture", True) for n in range(2)
    ]
    db = build(
        tmp_path / "quotes.sqlite",
        [everything(1, quotes=quotes[:4]), everything(2, quotes=quotes[4:]), everything(3)],
    )
    document = export(db, tmp_path)
    shown = [quote for quote, _ in quotes_by_theme(document)["Blame culture"]]
    assert len(shown) == QUOTES_PER_THEME == 5
    assert shown[:3] == [
        "“Marked quote 0.”",
        "“Marked quote 1.”",
        "“Quote number 3 of the study.”",
    ]  # the three marked ones, in the order they were captured; then the unmarked
    assert shown[3:] == ["“Unmarked quote 0.”", "“Unmarked quote 1.”"]
    assert more_lines(document) == {"Blame culture": 3}
    quoted = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert quoted and all(p.paragraph_format.keep_with_next for p in quoted)  # with who said it
    assert "3 more quotes on this theme are in the workbook." in normal_text(document)


def test_a_large_synthesis_shows_a_few_quotes_per_theme_and_counts_the_rest(demo_db, tmp_path):
    document = export(demo_db, tmp_path)
    connection = sqlite3.connect(demo_db)
    held = dict(
        connection.execute(
            "SELECT coalesce(c.label_en, 'No theme'), count(*) FROM quote q "
            "JOIN interview i ON i.id = q.interview_id "
            "LEFT JOIN codebook_entry c ON c.kind = 'challenge_theme' AND c.code = q.theme_code "
            "WHERE q.deleted_at IS NULL AND i.deleted_at IS NULL AND i.consent_given "
            "GROUP BY q.theme_code"
        ).fetchall()
    )
    connection.close()
    shown = quotes_by_theme(document)
    more = more_lines(document)
    assert set(shown) == set(held)
    for theme, count in held.items():
        assert len(shown[theme]) == min(count, QUOTES_PER_THEME)
        assert len(shown[theme]) + more.get(theme, 0) == count, theme
    # the figures are summarised: no table has a row per figure
    assert sum(len(rows) for _, rows in captioned_tables(document)) < 150


# --------------------------------------------------------------------- the same document


EXPORT = """
import sys
from pathlib import Path
from interviewer.export.docx_synthesis import write_synthesis_docx
write_synthesis_docx(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def reversed_copy(source: Path, target: Path) -> Path:
    """The same records in the opposite order in the file (every table written backwards)."""
    shutil.copy(source, target)
    connection = sqlite3.connect(target)
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for name in tables:
        connection.execute(
            f'CREATE TEMP TABLE backwards AS SELECT * FROM "{name}" ORDER BY rowid DESC'
        )
        connection.execute(f'DELETE FROM "{name}"')
        connection.execute(f'INSERT INTO "{name}" SELECT * FROM backwards')
        connection.execute("DROP TABLE backwards")
    connection.commit()
    connection.close()
    return target


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "docProps/core.xml"  # created and modified: the time of writing
        }


def test_the_same_data_gives_the_same_document(demo60, tmp_path):
    backwards = reversed_copy(demo60, tmp_path / "backwards.sqlite")
    outputs = []
    for seed, db in (("1", demo60), ("2", backwards)):
        out = tmp_path / f"synthesis-{seed}.docx"
        environment = dict(os.environ, PYTHONHASHSEED=seed)  # another order of every set
        subprocess.run(
            [sys.executable, "-W", "ignore", "-c", EXPORT, str(db), str(out)],
            check=True,
            env=environment,
            timeout=300,
        )
        outputs.append(parts(out))
    first, second = outputs
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name
    # the demo data has ties that a missing tie-break would order by chance
    areas = table_headed(Document(tmp_path / "synthesis-1.docx"), "Service area")
    counts = Counter(row[1] for row in areas[1:-1])
    assert max(counts.values()) > 1


def test_every_order_ends_in_a_tie_break(tmp_path):
    # two themes, two service areas and two categories, each pair equally often: by label
    db = build(
        tmp_path / "ties.sqlite",
        [
            everything(n, area=area, themes=[theme])
            for n, (area, theme) in enumerate(
                [("elderly", "resource_pressure"), ("disability", "blame_culture")] * 3
            )
        ],
    )
    document = export(db, tmp_path)
    areas = table_headed(document, "Service area")
    assert [row[0] for row in areas[1:]] == ["Disability services", "Elderly services", "All"]
    themes = table_headed(document, "Theme")
    assert [row[0] for row in themes[1:]] == [
        "Blame culture",
        "Resource pressure reinforces silos",
    ]


def test_a_database_of_another_uuid_order_gives_the_same_quotes(tmp_path):
    # quotes captured at the same moment are ordered by their id, never by chance
    db = build(
        tmp_path / "same-moment.sqlite",
        [everything(n, quotes=[(f"Said at once {n}.", "other", True)]) for n in range(4)],
    )
    connection = sqlite3.connect(db)
    connection.execute("UPDATE quote SET created_at = '2017-03-01 10:00:00.000000'")
    connection.commit()
    ids = [uuid.UUID(hex=row[0]) for row in connection.execute("SELECT id FROM quote")]
    connection.close()
    assert len(ids) == 4
    first = quotes_by_theme(export(db, tmp_path, "a.docx"))
    backwards = reversed_copy(db, tmp_path / "backwards.sqlite")
    second = quotes_by_theme(export(backwards, tmp_path, "b.docx"))
    assert first == second


def test_without_personal_data_nothing_points_at_a_person(demo_db, tmp_path):
    document = export(
        demo_db,
        tmp_path,
        attribution=Attribution.ROLE_AREA_AND_MUNICIPALITY,
        personal_data=False,
    )
    connection = sqlite3.connect(demo_db)
    municipalities = {m for (m,) in connection.execute("SELECT municipality FROM interview")}
    names = {n for (n,) in connection.execute("SELECT respondent_name FROM interview") if n}
    days = {d for (d,) in connection.execute("SELECT interview_date FROM interview")}
    connection.close()
    text = all_text(document).split("\n", 3)[3]  # after the title lines ("written <today>")
    assert not [m for m in municipalities if m in text]
    assert not [n for n in names if n in text]
    assert not [d for d in days if d in text]
    assert "Anonymised: this export leaves out the respondent's name, the municipality" in text


def test_a_choice_of_no_interviews_is_refused_and_nothing_is_written(demo_db, tmp_path):
    out = tmp_path / "none.docx"
    chosen = InterviewFilter(date_from=date(2099, 1, 1))
    with pytest.raises(InterviewerError):
        write_synthesis_docx(demo_db, out, ExportOptions(filter=chosen))
    assert not out.exists()


def test_removed_records_and_effects_of_removed_initiatives_do_not_count(tmp_path):
    db = build(tmp_path / "removed.sqlite", [everything(n) for n in range(4)])
    connection = sqlite3.connect(db)
    # as a merge can leave it: the initiative removed, its effect not
    connection.execute(
        "UPDATE initiative SET deleted_at = '2017-04-01 00:00:00.000000' WHERE rowid = 1"
    )
    connection.execute("UPDATE quote SET deleted_at = '2017-04-01 00:00:00.000000' WHERE rowid = 2")
    connection.commit()
    connection.close()
    document = export(db, tmp_path, smallest_group=1)
    text = all_text(document)
    assert "waiting list\t3\t3\t40 → 12" in text
    assert ["Common budgetary framework", "3", "3", "3", "0", "0", "0"] in table_headed(
        document, "Category"
    )
    assert len(quotes_by_theme(document)["Blame culture"]) == 3


# ------------------------------------------------------------------------- long quotes


def test_a_long_quote_is_shortened_whole_graphemes_and_names_its_workbook_id(tmp_path):
    emoji = "😀" * 20_000
    family = "👩\u200d👩\u200d👧" * 300  # one grapheme of five code points, again and again
    accents = "e\u0301" * 400  # e and a combining acute accent
    words = "The structure is the problem, not the people. " * 40
    flags = "🇩🇰" * 400  # each flag two regional indicators
    long = [emoji, family, accents, words, flags]
    db = build(
        tmp_path / "long.sqlite",
        [everything(n, quotes=[(text, "blame_culture", True)]) for n, text in enumerate(long)],
    )
    document = export(db, tmp_path)
    shown = quotes_by_theme(document)["Blame culture"]
    assert len(shown) == 5
    connection = sqlite3.connect(db)
    ids = {
        text: str(uuid.UUID(hex=i)) for i, text in connection.execute("SELECT id, text FROM quote")
    }
    connection.close()
    for (quote, said_by), original in zip(shown, long, strict=True):
        inner = quote.removeprefix("“").removesuffix("”")
        assert inner.endswith("…") and len(inner) <= QUOTE_CHARACTERS
        start = inner.removesuffix("…")
        # as wide as QUOTE_CHARACTERS narrow characters at most: an emoji takes two
        wide = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in start)
        assert original.startswith(start) and QUOTE_CHARACTERS // 2 < wide < QUOTE_CHARACTERS
        after = original[len(start)]
        assert unicodedata.category(after) not in ("Mn", "Me", "Mc") and after != "\u200d"
        assert not start.endswith("\u200d")
        if original is flags:
            assert len(start) % 2 == 0  # never half a flag
        if original is words:
            assert start.endswith("people") or start.endswith("problem")  # at a word's end
        assert f"quote_id {ids[original]}" in said_by
    # the id is the one the workbook's Quotes sheet shows
    workbook = tmp_path / "long.xlsx"
    write_workbook(db, workbook)
    sheet = load_workbook(workbook, read_only=True)["Quotes"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("quote_id")
    assert set(ids.values()) <= {row[column] for row in rows[1:]}
    # a short quote stays whole, without the note
    short = build(tmp_path / "short.sqlite", [everything(n) for n in range(3)])
    for quote, said_by in quotes_by_theme(export(short, tmp_path, "short.docx"))["Blame culture"]:
        assert not quote.endswith("…”") and "quote_id" not in said_by


def test_a_quote_of_many_line_breaks_takes_no_more_than_eight_lines(tmp_path):
    """breaker11b F13: 2,000 one-letter lines were "short" by characters and filled six pages,
    leaving the theme's heading alone on the page before. A line break takes a line's room."""
    lines_of_x = "\nx" * 2000
    paragraphs = ("A short paragraph.\n\n" * 40).strip()
    mixed = "word " * 100 + "\r\n" * 30 + "end"
    long = [lines_of_x, paragraphs, mixed]
    db = build(
        tmp_path / "lines.sqlite",
        [everything(n, quotes=[(text, "blame_culture", True)]) for n, text in enumerate(long)],
    )
    document = export(db, tmp_path)
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert len(quotes) == 3
    for quote in quotes:
        printed = quote.text.removeprefix("“").removesuffix("”")
        assert printed.endswith("…"), printed[:40]
        # each line as much room as LINE_CHARACTERS characters: 600 / 75 = 8 lines at most
        breaks = printed.count("\n")  # python-docx reads each w:br as a line break
        rows = sum(1 + len(line) // LINE_CHARACTERS for line in printed.splitlines())
        assert breaks <= QUOTE_CHARACTERS // LINE_CHARACTERS and rows <= 9, printed[:60]
    for text in long:  # the rule on its own: the room of the start is within the limit
        start, cut = shortened(text, QUOTE_CHARACTERS)
        assert cut and start.endswith("…")
        room = sum(LINE_CHARACTERS if c in "\r\n" else 1 for c in start)
        assert room <= QUOTE_CHARACTERS
    # the heading keeps with its first quote, which now fits on a page with it
    headings = [p for p in document.paragraphs if p.text == "Blame culture"]
    assert headings and headings[-1].paragraph_format.keep_with_next


# --------------------------------------------------------------------- one "measured"


@pytest.mark.parametrize(("lang", "word"), [("en", r"\bmeasured\b"), ("da", r"\bmålt")])
def test_measured_is_said_only_of_effects_of_kind_measured(demo60, tmp_path, lang, word):
    db = tmp_path / "m60.sqlite"
    shutil.copy(demo60, db)
    connection = sqlite3.connect(db)
    live = "deleted_at IS NULL"
    observed = connection.execute(
        f"SELECT id FROM effect WHERE kind = 'observed' AND {live} GROUP BY interview_id LIMIT 3"
    ).fetchall()
    for (effect_id,) in observed:  # observed effects carrying a figure, as a merge can bring
        connection.execute(
            "UPDATE effect SET metric = 'sick days', unit = 'days', baseline = 10, current = 8 "
            "WHERE id = ?",
            (effect_id,),
        )
    connection.commit()
    document = export(db, tmp_path, language=lang, smallest_group=1)
    measured_label = "Measured" if lang == "en" else "Målt"
    # the report's own words (not the quotes, which are what people said) name it only as
    # the header of the column counting kind = measured effects
    table_4 = table_headed(document, "Category" if lang == "en" else "Kategori")
    said = [
        line
        for block in blocks(document)
        if block[0] == "table" or block[1] != "Quote"
        for line in ([block[2]] if block[0] == "p" else ["\t".join(r) for r in block[1]])
        if re.search(word, line, re.IGNORECASE)
    ]
    assert said == ["\t".join(table_4[0])], said
    column = table_4[0].index(measured_label)
    counted = dict(
        connection.execute(
            "SELECT c.label_" + lang + ", count(*) FROM effect e "
            "JOIN initiative n ON n.id = e.initiative_id "
            "JOIN codebook_entry c ON c.kind = 'initiative_category' AND c.code = n.category_code "
            f"WHERE e.kind = 'measured' AND e.{live} AND n.{live} GROUP BY c.code"
        )
    )
    connection.close()
    assert {row[0]: int(row[column]) for row in table_4[1:]} == {
        row[0]: counted.get(row[0], 0) for row in table_4[1:]
    }
    # figures are those of every effect with one, whatever its kind, and the table says so
    everything_table = next(
        rows
        for caption, rows in captioned_tables(document)
        if "All categories" in caption or "Alle kategorier" in caption
    )
    assert any(row[0] in ("sick days (days)",) and row[1] == "3" for row in everything_table)
    assert any("whatever their kind" in p or "uanset art" in p for p in normal_text(document))


# ---------------------------------------------------------------- anonymised: months only


def test_anonymised_synthesis_of_one_day_shows_no_day(demo60, tmp_path):
    connection = sqlite3.connect(demo60)
    (day,) = connection.execute(
        "SELECT interview_date FROM interview WHERE deleted_at IS NULL GROUP BY interview_date "
        "ORDER BY count(*) DESC, interview_date LIMIT 1"
    ).fetchone()
    connection.close()
    one_day = date.fromisoformat(day)
    # an anonymised choice is of whole months (options.check_dates)
    month = InterviewFilter(
        date_from=one_day.replace(day=1),
        date_to=(one_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
    )
    options = dict(filter=month, personal_data=False, smallest_group=1)
    text = all_text(export(demo60, tmp_path, **options)).split("\n", 3)[3]  # after "written …"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert f"held in {one_day:%Y-%m}." in text  # one month: "held in", not "2017-06 to 2017-06"
    # with personal data the period is months too: a day would date the first and the last
    # interview; the day appears only where the choice names it
    chosen = InterviewFilter(date_from=one_day, date_to=one_day)
    with_day = normal_text(export(demo60, tmp_path, "named.docx", filter=chosen, smallest_group=1))
    assert any(f"held in {one_day:%Y-%m}." in line for line in with_day)
    assert [line.split(":")[0] for line in with_day if day in line] == ["Chosen"]
