"""Measure ``enforcekg validate`` on synthetic matters: seconds per 1,000 matters, fast vs reference.

    python benchmarks/bench_validate.py [--sizes 1000 10000] [--reference-size 100] [--seed 7]

For each size the fast engine is timed in its stages: reading the Turtle (pyoxigraph), SHACL Core
on pySHACL (including building its rdflib data graph), the set-based SPARQL checks on pyoxigraph,
and building the report. The reference
engine (everything on pySHACL, one SPARQL query per focus node) is timed on a smaller batch and
scaled to 1,000 matters, since it grows linearly and takes minutes per thousand. Both engines are
also checked to give the same results on the reference batch.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate_matters import generate  # noqa: E402

from enforcekg import validate as engine  # noqa: E402
from enforcekg.intake import read_files  # noqa: E402
from enforcekg.load import load_knowledge_graph  # noqa: E402
from enforcekg.shapes import core_shapes_graph, sparql_constraints  # noqa: E402


def _timed(label, func, timings):
    start = time.perf_counter()
    value = func()
    timings[label] = time.perf_counter() - start
    return value


def bench_fast(path: Path) -> dict:
    timings: dict = {}
    case = _timed("read", lambda: read_files([path]), timings)
    raw = _timed("core (pySHACL)", lambda: engine.core_stage(case), timings)
    _timed("sparql (pyoxigraph, set-based)", lambda: engine.sparql_stage(case, raw), timings)
    _timed("report", lambda: engine.finish_report(raw, case), timings)
    timings["total"] = sum(timings.values())
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reference-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    # warm up: load the graph, parse the shapes, compile the queries
    load_knowledge_graph(copy=False), core_shapes_graph(), sparql_constraints(), engine._kg_triples()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"matters-{n}.ttl"
            path.write_text(generate(n, args.seed), encoding="utf-8")
            timings = bench_fast(path)
            print(f"fast engine, {n} matters:")
            for label, seconds in timings.items():
                print(f"  {label:34} {seconds:8.2f} s   {seconds / n * 1000:7.2f} s per 1,000 matters")
        n = args.reference_size
        path = Path(tmp) / f"matters-ref-{n}.ttl"
        path.write_text(generate(n, args.seed), encoding="utf-8")
        case = read_files([path])
        start = time.perf_counter()
        ref_conforms, ref = engine.finish_report(engine._reference(case), case)
        seconds = time.perf_counter() - start
        print(f"reference engine, {n} matters: {seconds:.1f} s   {seconds / n * 1000:.1f} s per 1,000 matters")
        start = time.perf_counter()
        fast_conforms, fast = engine.finish_report(engine._fast(case), case)
        fast_seconds = time.perf_counter() - start
        print(f"fast engine, same {n} matters: {fast_seconds:.2f} s   {fast_seconds / n * 1000:.2f} s per 1,000 matters")
        from rdflib.namespace import SH
        count = lambda g: len(list(g.objects(None, SH.result)))  # noqa: E731
        print(f"results: fast {count(fast)}, reference {count(ref)}; conforms fast {fast_conforms}, reference {ref_conforms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
