"""No figure of the Word synthesis comes from fewer than k interviews, directly or by
subtraction: every table of the document is read back, and a reader's arithmetic is tried on it.

The reader's arithmetic is the same for every table (not one check per table): a row labelled
"All" is the total of the rows above it, column by column; a row's "Interviews" is (about) the
total of its "Ranked …" cells; the "All categories" table of figures is the total of the
per-category tables, measure by measure. For every such line with its total shown, what is left
after subtracting the shown parts must not be a figure under k, nor one hidden cell's value. A
share or a mean goes with its n. Every count shown is 0 or at least k.
"""

import random
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.demo import generate_demo
from interviewer.errors import InterviewerError
from interviewer.export import ethics
from interviewer.export.docx_synthesis import write_synthesis_docx
from interviewer.export.options import ExportOptions, InterviewFilter
from interviewer.i18n import tr
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind
from tests.export.test_synthesis_content import build, captioned_tables, normal_text

# ------------------------------------------------------------------------------ reading

COUNT = re.compile(r"^\d{1,3}(?:[.,\u00a0]\d{3})*$")
MEAN = re.compile(r"^\S+ \((\d[\d.,\u00a0]*)\)$")  # "3.7 (56)"
IN_BRACKETS = re.compile(r"\((\d[\d.,\u00a0]*)\)")
# "Table 6: Figures by measure: Other (n = 5 interviews)"; the n is left out above a table
# whose hidden rows it would pin
CAPTION = re.compile(r"^\S+ \d+: (.*?)(?: \(n = (\d[\d.,\u00a0]*) \S+\))?$")


def whole(text: str) -> int:
    return int(re.sub(r"[.,\u00a0]", "", text))


def is_mark(cell: str, k: int) -> bool:
    return cell == f"< {k}"


def value(cell: str) -> int | None:
    """The number of interviews (or things) a cell shows: a count, or the n of "mean (n)"."""
    if COUNT.match(cell):
        return whole(cell)
    if found := MEAN.match(cell):
        return whole(found.group(1))
    return None


def tables(document) -> dict[str, list[list[str]]]:
    """Each table by its caption's title (without its number and n)."""
    found = {}
    for caption, rows in captioned_tables(document):
        match = CAPTION.match(caption)
        assert match, caption
        found[match.group(1)] = rows
    return found


def captions_n(document) -> list[int]:
    return [whole(n) for c, _ in captioned_tables(document) if (n := CAPTION.match(c).group(2))]


def caption_totals(document) -> dict[str, str]:
    """Each table's caption n as a cell text ("1,234"), by title; tables without one left out."""
    return {
        CAPTION.match(c).group(1): CAPTION.match(c).group(2)
        for c, _ in captioned_tables(document)
        if CAPTION.match(c).group(2)
    }


# ---------------------------------------------------------------------- the reader's lines


def lines(document, truth, lang: str):
    """Every (name, total cell, part cells, hidden parts count) a reader can subtract along.
    Cells are texts; ``truth`` (the same synthesis with k = 1) says which parts exist where the
    document leaves a whole row out."""
    every, ranked_word = tr("All", lang=lang), tr("Ranked {rank}", lang=lang, rank=0)[:-1]
    interviews = tr("Interviews", lang=lang)
    totals = caption_totals(document)
    covered = max(whole(n) for n in totals.values())  # Table 1's, the whole choice
    for title, rows in tables(document).items():
        header, body = rows[0], rows[1:]
        # a caption's n totals the table's Interviews column (at most their sum: an interview
        # may be in two rows), unless it is the whole choice (said in Table 1's All row)
        if interviews in header and title in totals and whole(totals[title]) != covered:
            parts = [row[header.index(interviews)] for row in body if row[0] != every]
            yield f"{title} / caption n", totals[title], parts, None
        # a row labelled "All" totals the rows above it, in every column
        for row_number, row in enumerate(body):
            if row[0] == every:
                for column in range(1, len(header)):
                    parts = [r[column] for r in body[:row_number]]
                    yield f"{title} / {header[column]}", row[column], parts, None
        # a row's "Interviews" totals its "Ranked …" cells
        if interviews in header:
            ranks = [i for i, h in enumerate(header) if h.startswith(ranked_word)]
            if ranks:
                for row in body:
                    parts = [row[i] for i in ranks]
                    yield f"{title} / {row[0]}", row[header.index(interviews)], parts, None
    # the "All categories" table totals the category tables, measure by measure
    stem = tr("Figures by measure: {category}", lang=lang, category="")
    everything = tr(
        "Figures by measure: {category}", lang=lang, category=tr("All categories", lang=lang)
    )
    shown, known = tables(document), tables(truth)
    if everything in shown:
        header = shown[everything][0]
        for row in shown[everything][1:]:
            measure = row[0]
            in_truth = [
                t
                for t, rows in known.items()
                if t.startswith(stem) and t != everything and any(r[0] == measure for r in rows)
            ]
            for column in range(1, 3):  # figures, interviews
                parts, hidden = [], 0
                for t in in_truth:
                    here = [r for r in shown.get(t, [])[1:] if r[0] == measure]
                    if here and not is_mark(here[0][column], 0):
                        parts.append(here[0][column])
                    else:
                        hidden += 1
                yield f"{everything} / {measure} / {header[column]}", row[column], parts, hidden


def leaks(document, truth, k: int, lang: str) -> list[str]:
    """What a reader could work out, or sees, that comes from fewer than k interviews."""
    found = []
    for name, total, parts, hidden_rows in lines(document, truth, lang):
        if is_mark(total, k) or value(total) is None:
            continue
        hidden = sum(is_mark(p, k) for p in parts) + (hidden_rows or 0)
        shown = [value(p) for p in parts if not is_mark(p, k) and value(p) is not None]
        left = value(total) - sum(shown)
        if hidden and left > 0 and (hidden < 2 or left < k):
            found.append(f"{name}: {hidden} hidden, total minus the shown = {left}")
    for title, rows in tables(document).items():
        for row in rows[1:]:
            for column, cell in enumerate(row[1:], start=1):
                numbers = [value(cell)] if value(cell) is not None else []
                if "→" in cell:
                    numbers = [whole(n) for n in IN_BRACKETS.findall(cell)]
                found += [f"{title} / {row[0]}: {cell}" for n in numbers if 0 < n < k]
                if cell.endswith("%"):  # a share goes with the count or mean at its left
                    left_of = next(
                        (
                            c
                            for c in reversed(row[1:column])
                            if value(c) is not None or is_mark(c, k)
                        ),
                        None,
                    )
                    if left_of is not None and is_mark(left_of, k):
                        found.append(f"{title} / {row[0]}: {cell} beside a hidden count")
    found += [f"caption n = {n}" for n in captions_n(document) if 0 < n < k]
    # a row whose base (its Interviews) is hidden says nothing else either, not even a 0:
    # "none of these 1 or 2 did it" is their answer ("—", a median of nothing, is no figure)
    interviews_word = tr("Interviews", lang=lang)
    for title, rows in tables(document).items():
        if interviews_word in rows[0]:
            column = rows[0].index(interviews_word)
            found += [
                f"{title} / {row[0]}: {cell} in a row whose interviews are hidden"
                for row in rows[1:]
                if is_mark(row[column], k)
                for cell in row[1:]
                if not is_mark(cell, k) and cell != "—"
            ]
    # rows are ordered by their interviews: a hidden row among shown ones would say between
    # which counts it lies, so the hidden come last
    interviews, every = tr("Interviews", lang=lang), tr("All", lang=lang)
    for title, rows in tables(document).items():
        if interviews in rows[0]:
            column = rows[0].index(interviews)
            marks = [is_mark(row[column], k) for row in rows[1:] if row[0] != every]
            if True in marks and False in marks[marks.index(True) :]:
                found.append(f"{title}: a hidden row before a shown one")
    # a table breaking all the interviews into groups (an Interviews column, an All row):
    # a group it hides has no count in another table of the same groups (same first
    # header), which would say at least how many interviews the group has
    by_groups = list(tables(document).values())
    for rows in by_groups:
        if interviews in rows[0] and any(row[0] == every for row in rows):
            column = rows[0].index(interviews)
            hidden = {row[0] for row in rows[1:] if is_mark(row[column], k)}
            for other in by_groups:
                if other is not rows and other[0][0] == rows[0][0]:
                    found += [  # not even "no answers" or a 0
                        f"{other[0][0]} / {row[0]}: {cell} for a group hidden elsewhere"
                        for row in other[1:]
                        if row[0] in hidden
                        for cell in row[1:]
                        if not is_mark(cell, k)
                    ]
    return found


def interviewer_leaks(document, k: int, lang: str) -> list[str]:
    """Every count of "Interviews per interviewer" is at least k (the list adds up to all the
    interviews, so one under k would be found by subtraction too)."""
    start = tr("Interviews per interviewer: {list}.", lang=lang, list="")[:-1]
    line = next((p for p in normal_text(document) if p.startswith(start)), None)
    if line is None:
        return []
    counts = [
        whole(item.split()[-1].strip("()")) for item in line[len(start) : -1].split(", ") if item
    ]
    return [f"{line!r}: {n}" for n in counts if 0 < n < k]


def check(db: Path, tmp_path: Path, k: int, lang: str = "en", **options) -> None:
    out, everyone = tmp_path / f"k{k}-{lang}.docx", tmp_path / f"k1-{lang}.docx"
    write_synthesis_docx(db, out, ExportOptions(smallest_group=k, language=lang, **options))
    write_synthesis_docx(db, everyone, ExportOptions(smallest_group=1, language=lang, **options))
    document, truth = Document(out), Document(everyone)
    found = leaks(document, truth, k, lang) + interviewer_leaks(document, k, lang)
    assert not found, found
    # what is shown is the truth: a mark is the only difference from k = 1
    known = tables(truth)
    for title, rows in tables(document).items():
        by_label = {row[0]: row for row in known.get(title, [])}
        for row in rows[1:]:
            if row[0] in by_label:
                for cell, true in zip(row, by_label[row[0]], strict=True):
                    assert cell == true or is_mark(cell, k), (title, row, by_label[row[0]])


# ------------------------------------------------------------------------------ databases


@pytest.fixture(scope="module")
def demo60(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small") / "demo60.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=60, seed=4)
    database.close()
    return path


AREAS = [
    "child_family",
    "social_psychiatric",
    "disability",
    "elderly",
    "employment",
    "education",
    "other",
]
THEMES = ["separate_budgets", "own_resources_focus", "blame_culture", "resource_pressure", "other"]
CATEGORIES = ["structural_measures", "joint_training", "common_budget", "closer_to_citizens"]


@pytest.fixture(scope="module")
def tiny_groups(tmp_path_factory) -> Path:
    """23 interviews in groups of 1 to 7: areas, themes at each rank, categories and measures
    of one or two interviews, ratings left out now and then."""
    rng = random.Random(11)
    sizes = [1, 1, 2, 2, 3, 7, 7]
    specs = []
    for area, size in zip(AREAS, sizes, strict=True):
        for _ in range(size):
            ratings = {
                scale: rng.randint(1, 5)
                for scale in ("department", "municipality")
                if rng.random() < 0.8
            }
            specs.append(
                {
                    "area": area,
                    "ratings": ratings,
                    "themes": rng.sample(THEMES, rng.randint(0, 3)),
                    "interviewer": rng.choice(["Mette Sørensen", "Jonas Holm", "Ida Berg", None]),
                    "initiatives": [
                        (
                            rng.choice(CATEGORIES),
                            [
                                dict(
                                    kind=EffectKind.MEASURED,
                                    metric=rng.choice(
                                        ["waiting list", "sick days", "re-referrals"]
                                    ),
                                    baseline=rng.randint(10, 50),
                                    current=rng.randint(1, 40),
                                )
                            ],
                        )
                        for _ in range(rng.randint(0, 2))
                    ],
                    "quotes": [],
                }
            )
    return build(tmp_path_factory.mktemp("tiny") / "tiny.sqlite", specs)


# ------------------------------------------------------------------------------ the tests


@pytest.fixture(scope="module")
def demo60_seed1(tmp_path_factory) -> Path:
    """The demo `interviewer demo --interviews 60` makes (the breaker's): a complementary
    service area there has ratings of its own."""
    path = tmp_path_factory.mktemp("small") / "demo60-1.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=60, seed=1)
    database.close()
    return path


@pytest.mark.parametrize("k", [3, 5, 10])
def test_demo_synthesis_gives_nothing_away_by_subtraction(demo60, demo60_seed1, tmp_path, k):
    check(demo60, tmp_path, k)
    check(demo60_seed1, tmp_path, k)


def test_danish_synthesis_gives_nothing_away_by_subtraction(demo60, tmp_path):
    check(demo60, tmp_path, 3, "da")


@pytest.mark.parametrize(
    "chosen",
    [
        InterviewFilter(service_areas=["education", "child_family"]),
        InterviewFilter(service_areas=["disability", "elderly", "child_family"]),
        InterviewFilter(date_from=date(2017, 6, 1), date_to=date(2017, 7, 31)),
        "two-interviewers",
    ],
    ids=["two-areas", "three-areas", "two-months", "two-interviewers"],
)
def test_filtered_synthesis_gives_nothing_away_by_subtraction(demo60, tmp_path, chosen):
    if chosen == "two-interviewers":
        with sqlite3.connect(demo60) as connection:
            names = [n for (n,) in connection.execute("SELECT name FROM interviewer ORDER BY name")]
        chosen = InterviewFilter(interviewers=names[:2])
    check(demo60, tmp_path, 3, filter=chosen)
    check(demo60, tmp_path, 3, filter=chosen, personal_data=False)


@pytest.mark.parametrize("k", [2, 3, 4, 6])
def test_many_tiny_groups_give_nothing_away(tiny_groups, tmp_path, k):
    check(tiny_groups, tmp_path, k)


def test_a_choice_under_k_is_refused_with_one_sentence_and_nothing_written(demo60, tmp_path):
    out = tmp_path / "refused.docx"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "export",
            "docx",
            "--db",
            str(demo60),
            "--smallest-group",
            "40",
            "--service-area",
            "education",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert not out.exists()
    message = result.stderr.strip()
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    assert re.search(
        r"export: the choice holds \d+ interviews, fewer than the smallest group .*\(40\)", message
    )
    # the same in the API: the error the app shows, before any file is made
    with pytest.raises(InterviewerError, match=r"fewer than the smallest group"):
        write_synthesis_docx(demo60, out, ExportOptions(smallest_group=61))
    assert not out.exists()


# ---------------------------------------------------------------- the rule on its own


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=6),
    st.lists(
        st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=5),
        min_size=2,
        max_size=6,
    ),
)
def test_hidden_cells_leave_no_line_with_one_hidden_or_a_remainder_under_k(k, grid):
    """A table of counts with an "All" row (column totals) and a total per row: whatever the
    counts, each cell of 1 to k-1 is hidden, and no line with a shown total has exactly one
    hidden part or leaves less than k when the shown parts are subtracted."""
    rows, columns = len(grid), len(grid[0])
    grid = [(row + [0] * columns)[:columns] for row in grid]
    counts = {(r, c): grid[r][c] for r in range(rows) for c in range(columns)}
    counts |= {(r, "total"): sum(grid[r]) for r in range(rows)}
    counts |= {
        ("all", c): sum(grid[r][c] for r in range(rows))
        for r in range(rows)
        for c in range(columns)
    }
    table_lines = [((r, "total"), [(r, c) for c in range(columns)]) for r in range(rows)]
    table_lines += [(("all", c), [(r, c) for r in range(rows)]) for c in range(columns)]
    hidden = ethics.hidden_cells(counts, table_lines, k)
    assert {key for key, n in counts.items() if 0 < n < k} <= hidden
    assert all(counts[key] > 0 for key in hidden)  # a 0 tells nothing: never hidden
    for total, parts in table_lines:
        if total in hidden:
            continue
        hidden_parts = [p for p in parts if p in hidden]
        left = counts[total] - sum(counts[p] for p in parts if p not in hidden)
        assert not hidden_parts or (len(hidden_parts) >= 2 and left >= k), (total, parts)
    assert ethics.hidden_cells(counts, table_lines, k) == hidden  # the same every time
    # nor on the order of a line's parts (the English and the Danish report list them in
    # the order of their labels)
    backwards = [(total, list(reversed(parts))) for total, parts in table_lines]
    assert ethics.hidden_cells(counts, backwards, k) == hidden


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=6),
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=12)),
)
def test_pooled_groups_are_never_under_k(k, counts):
    listed, pool = ethics.pooled(counts, k)
    assert all(counts[key] >= k for key in listed)
    together = sum(counts[key] for key in pool)
    assert not pool or together >= k or not listed
    assert sorted(listed + pool) == sorted(key for key, n in counts.items() if n)


def hidden_pattern(document, k: int, labels: dict[str, str], lang: str) -> dict:
    """Table -> row label -> which cells are marks; labels as ``labels`` maps them, tables by
    their place, those of figures by category by their category (their order follows the
    category labels)."""
    stem = tr("Figures by measure: {category}", lang=lang, category="")
    found = {}
    for number, (caption, rows) in enumerate(captioned_tables(document)):
        title = CAPTION.match(caption).group(1)
        key = (
            labels.get(title[len(stem) :], title[len(stem) :]) if title.startswith(stem) else number
        )
        found[key] = {
            labels.get(row[0], row[0]): [is_mark(cell, k) for cell in row[1:]] for row in rows[1:]
        }
    return found


@pytest.mark.parametrize("k", [3, 4])
def test_english_danish_named_and_anonymised_hide_the_same_cells(tiny_groups, demo60, tmp_path, k):
    """Two reports of the same data that hid different cells would give both away."""
    for db in (tiny_groups, demo60):
        with sqlite3.connect(db) as connection:
            labels = dict(connection.execute("SELECT label_en, label_da FROM codebook_entry"))
        labels |= {tr(text, lang="en"): tr(text, lang="da") for text in ("All", "No theme")}
        labels[tr("No category", lang="en")] = tr("No category", lang="da")
        labels[tr("Other measures together, each too few to show on its own", lang="en")] = tr(
            "Other measures together, each too few to show on its own", lang="da"
        )
        reports = {}
        for lang, personal in (("en", True), ("da", True), ("en", False)):
            out = tmp_path / f"{db.stem}-{lang}-{personal}.docx"
            options = ExportOptions(smallest_group=k, language=lang, personal_data=personal)
            write_synthesis_docx(db, out, options)
            reports[(lang, personal)] = Document(out)
        labels[tr("All categories", lang="en")] = tr("All categories", lang="da")
        english = hidden_pattern(reports[("en", True)], k, labels, "en")
        assert any(any(any(row) for row in t.values()) for t in english.values())  # some hidden
        assert english == hidden_pattern(reports[("da", True)], k, {}, "da")
        assert english == hidden_pattern(reports[("en", False)], k, labels, "en")

        def pooled_total(document, lang):
            start = tr("Interviews per interviewer: {list}.", lang=lang, list="")[:-1]
            line = next(p for p in normal_text(document) if p.startswith(start))
            return sorted(
                whole(item.split()[-1].strip("()")) for item in line[len(start) : -1].split(", ")
            )

        assert pooled_total(reports[("en", True)], "en") == pooled_total(
            reports[("en", False)], "en"
        )


def test_initiatives_and_figures_of_fewer_than_k_interviews_get_no_table(tmp_path):
    # five interviews, two with an initiative and its figure: Table 4's n would be 2
    effect = dict(kind=EffectKind.MEASURED, metric="waiting list", baseline=40, current=12)
    specs = [
        {"area": "education", "themes": ["other"], "quotes": [], "ratings": {"department": 3}}
        for _ in range(5)
    ]
    for spec in specs[:2]:
        spec["initiatives"] = [("common_budget", [effect])]
    db = build(tmp_path / "few.sqlite", specs)
    check(db, tmp_path, 3)
    document = Document(tmp_path / "k3-en.docx")
    text = normal_text(document)
    assert "Initiatives are recorded in fewer than 3 of these interviews: too few to show." in text
    assert (
        "Effects with a figure are recorded in fewer than 3 of these interviews: too few to show."
        in text
    )
    assert not [c for c, _ in captioned_tables(document) if "categor" in c or "measure" in c]


# ------------------------------------------------- figures tables against their totals


def measured(metric: str) -> dict:
    return dict(kind=EffectKind.MEASURED, metric=metric, baseline=40, current=12)


@pytest.fixture(scope="module")
def lone_category_figure(tmp_path_factory) -> Path:
    """breaker11b F9: one figure in a category of one interview, from an interview that has a
    figure of the same measure in another category too. "All categories" counts 10 figures
    from 9 interviews; the Interviews column adds up to more than its total, the Figures
    column exactly, so All minus the shown categories gives the hidden one's figure."""
    specs = [
        {"area": "education", "initiatives": [("closer_to_citizens", [measured("waiting list")])]}
        for _ in range(5)
    ] + [
        {"area": "employment", "initiatives": [("joint_training", [measured("waiting list")])]}
        for _ in range(4)
    ]
    specs[0]["initiatives"].append(("common_budget", [measured("waiting list")]))
    return build(tmp_path_factory.mktemp("f9") / "f9.sqlite", specs)


@pytest.fixture(scope="module")
def caption_pins_a_row(tmp_path_factory) -> Path:
    """breaker11b F17: a category whose table shows one measure of 3 interviews and hides one
    of 2 (other interviews): its caption "n = 5 interviews" minus the 3 shown gives the 2."""
    specs = [
        {"area": "education", "initiatives": [("closer_to_citizens", [measured("waiting list")])]}
        for _ in range(3)
    ] + [
        {"area": "education", "initiatives": [("closer_to_citizens", [measured("sick days")])]}
        for _ in range(2)
    ]
    specs += [
        {
            "area": "employment",
            "initiatives": [("joint_training", [measured("waiting list"), measured("sick days")])],
        }
        for _ in range(4)
    ]
    return build(tmp_path_factory.mktemp("f17") / "f17.sqlite", specs)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_figures_tables_give_nothing_away_against_all_categories_or_their_n(
    lone_category_figure, caption_pins_a_row, tmp_path, lang
):
    for db in (lone_category_figure, caption_pins_a_row):
        for k in (2, 3, 4):
            check(db, tmp_path, k, lang)


def test_a_row_of_few_interviews_hides_its_zeros_too(demo60_seed1, tmp_path):
    """breaker11b F20: one interviewer's report (7 interviews), where categories and themes of
    1 or 2 interviews stood beside exact zeros ("all of them: no effect yet")."""
    with sqlite3.connect(demo60_seed1) as connection:
        (name,) = connection.execute(
            "SELECT name FROM interviewer JOIN interview ON interview.interviewer_id = "
            "interviewer.id WHERE interview.deleted_at IS NULL GROUP BY interviewer.id "
            "HAVING count(*) BETWEEN 5 AND 9 ORDER BY name LIMIT 1"
        ).fetchone()
    check(demo60_seed1, tmp_path, 3, filter=InterviewFilter(interviewers=[name]))


# ------------------------------------------------------------ the sentences around them


def test_quotes_of_a_hidden_service_area_are_attributed_by_role_only(demo60_seed1, tmp_path):
    """breaker11b F10: with role-and-area, a quote of an area Table 1 hides ("< 3") named the
    area: one of its one or two people, by role."""
    for attribution in ("role-and-area", "role-area-municipality"):
        out = tmp_path / f"{attribution}.docx"
        write_synthesis_docx(demo60_seed1, out, ExportOptions(attribution=attribution))
        document = Document(out)
        area_table = next(iter(tables(document).values()))
        hidden = {row[0] for row in area_table[1:] if is_mark(row[1], 3)}
        shown = {row[0] for row in area_table[1:-1]} - hidden
        assert hidden, "the demo hides some service area"
        said_by = [
            p.text for p in document.paragraphs if p.style.name == "Caption" and "— " in p.text
        ]
        assert not [line for line in said_by for area in hidden if f", {area}" in line]
        assert [line for line in said_by for area in shown if f", {area}" in line]
        with sqlite3.connect(demo60_seed1) as connection:
            labels = dict(
                connection.execute(
                    "SELECT label_en, code FROM codebook_entry WHERE kind = 'service_area'"
                )
            )
            hidden_roles = {
                role
                for (role,) in connection.execute(
                    "SELECT DISTINCT quote.speaker_role FROM quote JOIN interview ON "
                    "interview.id = quote.interview_id WHERE interview.service_area IN "
                    f"({', '.join('?' * len(hidden))})",
                    sorted(labels[area] for area in hidden),
                )
            }
        # their quotes are there, by role alone
        assert any(line == f"— {role}" for line in said_by for role in hidden_roles)
        assert (
            "A quote from a service area that Table 1 does not show on its own is attributed "
            "by role only." in normal_text(document)
        )


def test_the_number_of_drafts_under_k_is_the_mark(tmp_path):
    """breaker11b F12: "Including 1 draft" said which one interview of a small choice is
    unfinished."""
    specs = [{"area": "education", "complete": number != 0} for number in range(6)]
    db = build(tmp_path / "drafts.sqlite", specs)
    for k, said in (
        (3, "Including < 3 drafts"),
        (4, "Including < 4 drafts"),
        (1, "Including 1 draft,"),
    ):
        out = tmp_path / f"drafts-{k}.docx"
        write_synthesis_docx(db, out, ExportOptions(smallest_group=k))
        assert any(line.startswith(said) for line in normal_text(Document(out))), k
    out = tmp_path / "drafts-da.docx"
    write_synthesis_docx(db, out, ExportOptions(language="da"))
    assert any(line.startswith("Inklusive < 3 kladder") for line in normal_text(Document(out)))


def test_the_methods_warn_that_reports_of_overlapping_choices_can_be_compared(demo60, tmp_path):
    """breaker11b F1/F2/F7: k holds within one report; the methods say what comparing two does."""
    for lang, start in (("en", "The rule of 5 holds within this report"), ("da", "Reglen om 5")):
        out = tmp_path / f"compare-{lang}.docx"
        write_synthesis_docx(demo60, out, ExportOptions(smallest_group=5, language=lang))
        assert any(line.startswith(start) for line in normal_text(Document(out))), lang
