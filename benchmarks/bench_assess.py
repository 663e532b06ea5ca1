"""Time `enforcekg assess`: seconds per matter.

Usage::

    python benchmarks/bench_assess.py [--repeat N] [FILE ...]

Assesses every matter of the given case files (default: ``data/scenarios/*.ttl``). Reports the
one-off set-up (the ontology's OWL 2 RL closure, computed once per process, and loading it into
the rule engine's store), the first assessment of each file, then the median and slowest of
``--repeat`` further runs per matter, and the slowest rules. Reasoning is per matter: each matter
is reasoned over its own small graph plus the shared closure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from enforcekg.assess import assess  # noqa: E402
from enforcekg.intake import read_files  # noqa: E402
from enforcekg.rules import RuleEngine  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="case files (default: data/scenarios/*.ttl)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per file after the first (default 5)")
    args = parser.parse_args(argv)
    files = args.files or sorted((ROOT / "data" / "scenarios").glob("*.ttl"))

    started = time.perf_counter()
    engine = RuleEngine()
    print(f"set-up (ontology closure + store, once per process): {time.perf_counter() - started:.2f} s, "
          f"{len(engine.rules)} rules in {len(engine.strata)} strata")

    first, per_matter, matters = [], [], 0
    for path in files:
        data = read_files([path])
        started = time.perf_counter()
        results = assess(data, rule_engine=engine)
        first.append((time.perf_counter() - started) / max(len(results), 1))
        matters += len(results)
        for _ in range(args.repeat):
            started = time.perf_counter()
            assess(data, rule_engine=engine)
            per_matter.append((time.perf_counter() - started) / max(len(results), 1))
    print(f"{matters} matters in {len(files)} files")
    print(f"first assessment per matter: median {statistics.median(first):.3f} s, slowest {max(first):.3f} s")
    if per_matter:
        print(f"seconds per matter ({args.repeat} runs each): median {statistics.median(per_matter):.3f} s, "
              f"slowest {max(per_matter):.3f} s")
    runs = matters * (args.repeat + 1)
    print("slowest rules (mean seconds per matter):")
    for name, seconds in sorted(engine.timings.items(), key=lambda item: -item[1])[:5]:
        print(f"  {name:40s} {seconds / runs:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
