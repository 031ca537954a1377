"""Runs every benchmark and prints one table: `python -m benchmarks [--quick]`."""

import argparse
import platform
import sys

from benchmarks import (
    bench_demo,
    bench_export,
    bench_integrity,
    bench_list,
    bench_long_text,
    bench_merge,
    bench_startup,
    bench_storage,
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-interview demo run")
    args = parser.parse_args()
    results = []
    results += bench_storage.run()
    results += bench_integrity.run()
    results += bench_startup.run()
    results += bench_list.run()
    results += bench_long_text.run()
    results += bench_export.run()
    results += bench_merge.run()
    results += bench_demo.run(sizes=(10_000,) if args.quick else (10_000, 100_000))
    name_width = max(len(r.name) for r in results)
    figure_width = max(len(r.figure) for r in results)
    machine = f"{platform.node()} ({platform.machine()}, Python {platform.python_version()})"
    print(f"Interviewer benchmarks on {machine}")
    print(f"{'what':<{name_width}}  {'measured':<{figure_width}}  {'budget':<8}  verdict")
    for r in results:
        print(f"{r.name:<{name_width}}  {r.figure:<{figure_width}}  {r.budget:<8}  {r.verdict}")
    return 1 if any(r.within is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
