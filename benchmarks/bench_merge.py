"""Merging 100 bundles of 40 interviews into an empty central database, then again
(budgets: under 10 s, and under 5 s with no change)."""

import shutil
import time

from benchmarks.common import WORK, Result
from interviewer.demo import generate_demo
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.study_file import export_study, import_study
from interviewer.storage.database import open_database

BUNDLES, PER_BUNDLE = 100, 40


def make_bundles() -> list:
    folder = WORK / "bundles"
    paths = [folder / f"field-{n:03d}.bundle" for n in range(BUNDLES)]
    if all(path.exists() for path in paths):
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lead = folder / "lead.sqlite"
    open_database(lead).close()
    export_study(lead, folder / "study.json")
    for n, path in enumerate(paths):
        field = folder / f"field-{n:03d}.sqlite"
        import_study(field, folder / "study.json")
        database = open_database(field, backup=False)
        generate_demo(database, interviews=PER_BUNDLE, seed=1000 + n)
        database.close()
        write_bundle(field, path, interviewer=f"Interviewer {n}", plain=True)
        field.unlink()
    return paths


def run() -> list[Result]:
    paths = make_bundles()
    central = WORK / "central.sqlite"
    for leftover in WORK.glob("central.sqlite*"):
        leftover.unlink()
    started = time.perf_counter()
    first = merge_bundles(central, paths)
    into_empty = time.perf_counter() - started
    assert first.total("added") == BUNDLES * PER_BUNDLE, first.lines()[-1]
    started = time.perf_counter()
    again = merge_bundles(central, paths)
    repeat = time.perf_counter() - started
    assert again.total("added") + again.total("updated") + again.total("conflicts") == 0
    return [
        Result(
            f"merge {BUNDLES} bundles x {PER_BUNDLE} into an empty database",
            f"{into_empty:.1f} s",
            "< 10 s",
            into_empty < 10,
        ),
        Result("merge them again (no change)", f"{repeat:.1f} s", "< 5 s", repeat < 5),
    ]
