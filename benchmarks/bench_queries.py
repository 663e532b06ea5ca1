"""Time every saved query over the shipped graph (and its OWL RL inferences), optionally with N matters.

Usage::

    python benchmarks/bench_queries.py [--repeat N] [--data FILE ...] [--matters N] [--in-process]

Each query runs with its default parameters ``--repeat`` times (after one warm-up run) through
the same path as ``enforcekg query run``: typed binding, then the store's worker process with
the default timeout and row cap (``--in-process`` skips the worker to show its overhead). The
script prints, per query, the median and slowest wall-clock time and the number of rows, then
the median over all queries, their sum and the slowest queries.

Analytics queries answer over case files (``--data``, default: ``data/examples/*.ttl`` when
present); the others over the shipped graph alone. ``--matters N`` instead generates N
synthetic matters (``benchmarks/synthetic.py``, kept in ``/tmp/enforcekg-bench``) and runs
*every* query over the graph with them, as a server holding both would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

from enforcekg.paths import EXAMPLES_DIR  # noqa: E402
from enforcekg.query import bind_parameters, saved_queries  # noqa: E402
from enforcekg.store import DEFAULT_LIMIT, DEFAULT_TIMEOUT, LocalEngine  # noqa: E402

SLOWEST = 5


def matters_file(n: int) -> str:
    """The synthetic case file with *n* matters, generated once."""
    path = Path(tempfile.gettempdir()) / "enforcekg-bench" / f"matters-{n}.ttl"
    if not path.exists():
        synthetic.write(n, path)
    return str(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument("--data", nargs="*", default=None, help="case files for the analytics queries")
    parser.add_argument("--matters", type=int, default=None, metavar="N",
                        help="run every query over the graph with N synthetic matters")
    parser.add_argument("--in-process", action="store_true", help="run queries in this process (no worker, no timeout)")
    args = parser.parse_args(argv)

    if args.matters:
        data = [matters_file(args.matters)]
    else:
        data = args.data if args.data is not None else sorted(str(p) for p in EXAMPLES_DIR.glob("*.ttl"))
    started = time.perf_counter()
    with_data = LocalEngine(data) if data else None
    shipped = with_data if args.matters else LocalEngine()
    for engine in {id(e): e for e in (shipped, with_data) if e is not None}.values():
        print(f"loaded {len(engine):,} triples in {time.perf_counter() - started:.2f} s")
    with_data = with_data or shipped
    timeout = None if args.in_process else DEFAULT_TIMEOUT

    results, bind_times = [], []
    for query in saved_queries():
        engine = with_data if query.group == "analytics" else shipped
        t0 = time.perf_counter()
        bindings = bind_parameters(query, {}, engine)  # typed binding, incl. enumeration queries
        bind_times.append(time.perf_counter() - t0)
        engine.select(query.text, bindings, timeout=timeout, limit=DEFAULT_LIMIT)  # warm-up
        times, rows = [], 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = engine.select(query.text, bindings, timeout=timeout, limit=DEFAULT_LIMIT)
            times.append(time.perf_counter() - t0)
            rows = len(result.rows)
        results.append((query, statistics.median(times), max(times), rows))

    width = max(len(f"{q.group}/{q.name}") for q, *_ in results)
    print(f"\n{'query':<{width}}  {'median ms':>9}  {'max ms':>8}  {'rows':>5}")
    for query, median, slowest, rows in results:
        print(f"{query.group + '/' + query.name:<{width}}  {median * 1000:>9.2f}  {slowest * 1000:>8.2f}  {rows:>5}")
    medians = [m for _, m, _, _ in results]
    where = f"with {args.matters:,} matters" if args.matters else "shipped graph (analytics: case files)"
    print(f"\n{len(results)} queries x {args.repeat} runs ({'in process' if args.in_process else 'worker process'}), {where}")
    print(f"median of per-query medians: {statistics.median(medians) * 1000:.2f} ms; "
          f"sum of medians: {sum(medians) * 1000:.0f} ms")
    print(f"parameter binding (with enumeration queries): median {statistics.median(bind_times) * 1000:.2f} ms, "
          f"slowest {max(bind_times) * 1000:.2f} ms")
    slowest = sorted(results, key=lambda r: r[1], reverse=True)[:SLOWEST]
    print("slowest medians: " + ", ".join(f"{q.group}/{q.name} {m * 1000:.0f} ms" for q, m, _, _ in slowest))
    for engine in {id(e): e for e in (shipped, with_data)}.values():
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
