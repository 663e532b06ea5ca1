"""Time `enforcekg assess` on synthetic matters: one matter at a time against batches, in one run.

Usage::

    python benchmarks/bench_assess.py [--sizes 1000,10000] [--sample 40] [--batch-size 100]
                                      [--workers 1,2] [--dir /tmp/enforcekg-bench]

For every size N, the matters come from ``benchmarks/synthetic.py`` (``matters-N.ttl`` in
``--dir``, written when missing) and are assessed as of 2025-06-01:

- one at a time (``batch_size=1``, the engine's old way): ``--sample`` matters are timed and the
  time for all N is estimated from them (ten thousand one at a time would take a quarter of an hour);
- batched: all N matters, ``--batch-size`` per batch, in one process and in ``--workers`` processes
  (each a separate timed run), actual wall-clock time.

Printed per row: milliseconds per matter, the (estimated or actual) time for all N, and the ratio
to one at a time. The one-off set-up (the ontology closure and the rule engine's store) and reading
the file are reported apart and not counted. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

from enforcekg.assess import BATCH_SIZE, assess, engine  # noqa: E402
from enforcekg.intake import CaseData, read_files  # noqa: E402

AS_OF = "2025-06-01"


def matters_file(directory: Path, n: int) -> Path:
    path = directory / f"matters-{n}.ttl"
    return path if path.exists() else synthetic.write(n, path)


def first_matters(case: CaseData, k: int) -> CaseData:
    """The triples of the first *k* matters (``synthetic.py`` names every node after its matter)."""
    chosen = {f"M-{i:06d}" for i in range(1, k + 1)}
    return CaseData(triples=[t for t in case.triples if t.subject.value.rsplit("/", 1)[-1][:8] in chosen])


def timed(case: CaseData, **options) -> tuple[float, int]:
    started = time.perf_counter()
    results = assess(case, as_of=AS_OF, **options)
    return time.perf_counter() - started, len(results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of synthetic matters (default 1000,10000)")
    parser.add_argument("--sample", type=int, default=40, help="matters timed one at a time (default 40)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"matters per batch (default {BATCH_SIZE})")
    parser.add_argument("--workers", default="1,2", help="process counts for the batched runs (default 1,2)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/enforcekg-bench"), help="where the synthetic files are")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    rule_engine = engine()
    print(f"set-up (ontology closure + rule store, once per process): {time.perf_counter() - started:.1f} s, "
          f"{len(rule_engine.rules)} rules in {len(rule_engine.strata)} strata")
    for n in (int(size) for size in args.sizes.split(",")):
        path = matters_file(args.dir, n)
        started = time.perf_counter()
        case = read_files([path])
        print(f"\n{n} matters ({path}, read in {time.perf_counter() - started:.1f} s)")
        seconds, count = timed(first_matters(case, min(args.sample, n)), batch_size=1)
        alone = seconds / count
        print(f"  {'one at a time':28s} {alone * 1000:7.1f} ms/matter   {alone * n:7.1f} s for {n} (estimated from {count})")
        for workers in (int(w) for w in args.workers.split(",")):
            seconds, count = timed(case, batch_size=args.batch_size, workers=workers)
            label = f"batches of {args.batch_size}, {workers} process{'es' if workers > 1 else ''}"
            print(f"  {label:28s} {seconds / count * 1000:7.1f} ms/matter   {seconds:7.1f} s for {count} (actual)"
                  f"   {alone * count / seconds:5.1f}x faster")
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(f"\npeak resident memory of one process: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
