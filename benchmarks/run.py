"""Time load, validate, reason, every saved query and assess: the plain stack against the fast path.

Usage::

    python benchmarks/run.py [--sizes 1000,10000] [--plain-max 10000] [--budget 120] [--fast-budget 300]
                             [--repeat 3] [--server]

Synthetic matters come from ``benchmarks/synthetic.py`` (about 34 triples each). For every size
and stage a fresh Python process does the stage's untimed prerequisites, then the timed work,
and reports the wall-clock seconds and its peak resident memory (``ru_maxrss`` of the child, read
with ``wait4`` so that it is known even for a stage stopped at its budget).

=========  ===============================================  ==============================================
stage      plain stack                                      fast path
=========  ===============================================  ==============================================
load       rdflib parse of the shipped graph + matters      pyoxigraph store (``LocalEngine``, no reasoning)
validate   pySHACL, every shape (``--engine reference``)    ``--engine fast``: every check set-based on
                                                            pyoxigraph (SHACL Core compiled to SPARQL)
reason     owlrl closure                                    ``reasonable`` closure (:mod:`enforcekg.dataset`)
queries    every saved query on rdflib's SPARQL engine      every saved query through ``LocalEngine``
           (one run each)                                   (worker process, timeout, row cap; median of
                                                            ``--repeat`` runs after a warm-up)
assess     one implementation (the pyoxigraph rule engine): every matter, batches shared by all cores
=========  ===============================================  ==============================================

A plain-stack stage that runs past ``--budget`` seconds (``--fast-budget`` for the fast path) is
stopped and shown as ``>budget``: its ratio is then a lower bound. ``end to end`` is one fast
process reading the case file once, then load + reason (``LocalEngine(case=…)``) + validate +
every saved query once — the
15-second target — and, for the plain stack, the sum of its stages. ``--server`` also publishes
each size to an Oxigraph server on 127.0.0.1 and runs the saved queries over HTTP.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # oxigraph_server.py, the test suite's server helper

STAGES = ("load", "validate", "reason", "queries", "assess")


# --------------------------------------------------------------------------- stage workers (child side)


def _emit(**data) -> None:
    print(json.dumps(data), flush=True)


def _saved():
    from enforcekg.query import saved_queries
    return saved_queries()


class RdflibEngine:
    """The plain stack's query engine: rdflib's own store and SPARQL engine behind the engine interface."""

    def __init__(self, graph):
        self.graph = graph

    def query(self, text, bindings=None, *, timeout=None, limit=None, project_prefixes=True, read_only_check=False):
        from rdflib.query import Result

        from enforcekg.engine import PROJECT_PREFIXES, QueryResult
        answer: Result = self.graph.query(text, initNs=PROJECT_PREFIXES if project_prefixes else {},
                                          initBindings=dict(bindings or {}))
        if answer.type == "ASK":
            return QueryResult("ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows = [tuple(row) for row in answer]
            return QueryResult("select", variables, rows[:limit] if limit else rows, truncated=bool(limit and len(rows) > limit))
        return QueryResult("graph", ["subject", "predicate", "object"], list(answer))

    def select(self, text, bindings=None, **options):
        return self.query(text, bindings, **options)


def _plain_graph(path: str, closed: bool):
    """The shipped graph + matters as an rdflib graph (closed with the fast reasoner: an untimed prerequisite)."""
    from rdflib import Graph

    from enforcekg import dataset
    from enforcekg.load import load_knowledge_graph
    from enforcekg.store import from_oxigraph

    if closed:
        graph = Graph()
        for t in dataset.closed_triples(dataset.read_case_triples([path])):
            graph.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
        return graph
    graph = Graph()
    for triple in load_knowledge_graph(copy=False):
        graph.add(triple)
    graph.parse(path, format="turtle")
    return graph


def stage(stack: str, name: str, path: str, repeat: int) -> None:
    """Run one stage in this (child) process and print its timing as JSON lines."""
    from enforcekg import dataset
    if name == "load":
        from rdflib import Graph

        from enforcekg.load import source_files
        from enforcekg.store import LocalEngine
        _emit(ready=True)
        started = time.perf_counter()
        if stack == "plain":
            graph = Graph()
            for source in source_files():
                graph.parse(source, format="turtle")
            graph.parse(path, format="turtle")
            size = len(graph)
        else:
            size = len(LocalEngine([path], reasoning=False))
        _emit(seconds=time.perf_counter() - started, triples=size)
    elif name == "validate":
        from enforcekg.validate import validate
        _emit(ready=True)
        started = time.perf_counter()
        conforms, report, _ = validate([path], engine="reference" if stack == "plain" else "fast")
        _emit(seconds=time.perf_counter() - started, results=len(report))
    elif name == "reason":
        if stack == "plain":
            from enforcekg import reason
            graph = _plain_graph(path, closed=False)
            _emit(ready=True)
            started = time.perf_counter()
            size = len(reason.closure(graph, "owlrl"))
        else:
            case = dataset.read_case_triples([path])
            _emit(ready=True)
            started = time.perf_counter()
            size = len(dataset.closed_triples(case))
        _emit(seconds=time.perf_counter() - started, triples=size)
    elif name == "queries":
        from enforcekg.query import run_saved_query
        from enforcekg.store import LocalEngine
        engine = RdflibEngine(_plain_graph(path, closed=True)) if stack == "plain" else LocalEngine([path])
        _emit(ready=True)
        for query in _saved():
            times = []
            runs = 1 if stack == "plain" else repeat + 1
            error = None
            for _ in range(runs):
                started = time.perf_counter()
                try:
                    rows = len(run_saved_query(query, {}, engine, timeout=None if stack == "plain" else 60).rows)
                except Exception as exc:  # rdflib fails on some queries (e.g. GROUP_CONCAT over unbound values)
                    rows, error = 0, f"{type(exc).__name__}: {exc}"[:200]
                times.append(time.perf_counter() - started)
            times = times[1:] if len(times) > 1 else times
            _emit(query=query.name, seconds=statistics.median(times), rows=rows, error=error)
    elif name == "assess":
        from enforcekg.assess import assess, engine
        from enforcekg.intake import read_files
        case = read_files([path])
        engine()  # the rule engine's one-off set-up, untimed
        _emit(ready=True)
        started = time.perf_counter()
        results = assess(case, as_of="2025-06-01", workers=os.cpu_count() or 1)  # batches shared by the cores
        _emit(seconds=time.perf_counter() - started, matters=len(results))
    elif name == "e2e":
        from enforcekg.intake import read_files
        from enforcekg.query import run_saved_query
        from enforcekg.store import LocalEngine
        from enforcekg.validate import validate
        _emit(ready=True)
        started = time.perf_counter()
        case = read_files([path])  # read once, for the engine and the validator
        engine = LocalEngine(case=case)
        loaded = time.perf_counter()
        validate(case, engine="fast")
        validated = time.perf_counter()
        for query in _saved():
            run_saved_query(query, {}, engine, timeout=60)
        _emit(seconds=time.perf_counter() - started, load_reason=loaded - started,
              validate=validated - loaded, queries=time.perf_counter() - validated)
        engine.close()


# --------------------------------------------------------------------------- the driver (parent side)


def run_child(args: list[str], budget: float) -> dict:
    """Run a stage in a child process; its JSON lines, wall time and peak memory.

    The *budget* counts from the child's ``ready`` line (after its untimed prerequisites).
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    started = time.perf_counter()
    ready_at = None
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        capped = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if ready_at is None and b'"ready"' in os.pread(out.fileno(), 1 << 16, 0):
                ready_at = now
            if now - (ready_at or started) > budget + (0 if ready_at else 600):
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                capped = True
                break
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = [json.loads(line) for line in out.read().decode().splitlines()
                 if line.startswith("{") and '"ready"' not in line]
    return {"lines": lines, "wall": time.perf_counter() - started, "peak_mib": usage.ru_maxrss / 1024,
            "capped": capped, "failed": not capped and process.returncode != 0}


def measure(stack: str, name: str, path: Path, size: int, opts) -> dict:
    budget = opts.budget if stack == "plain" else opts.fast_budget
    child = run_child([stack, name, str(path), str(opts.repeat)], budget)
    lines = child["lines"]
    cell = {"peak_mib": child["peak_mib"], "capped": child["capped"], "failed": child["failed"], "budget": budget}
    if name == "queries":
        medians = [line["seconds"] for line in lines]
        cell.update(seconds=sum(medians), done=len(medians), total=len(_saved()),
                    median_ms=statistics.median(medians) * 1000 if medians else None,
                    max_ms=max(medians) * 1000 if medians else None,
                    slowest=max(lines, key=lambda l: l["seconds"])["query"] if lines else None,
                    errors=sum(1 for line in lines if line.get("error")))
        if child["capped"]:
            cell["seconds"] = budget
    elif name == "assess" and lines:
        cell.update(seconds=lines[0]["seconds"], per_matter=lines[0]["seconds"] / max(lines[0]["matters"], 1))
    elif lines:
        cell.update(lines[0])
    else:
        cell["seconds"] = budget if child["capped"] else None
    return cell


def fmt_seconds(cell) -> str:
    if cell is None:
        return "—"
    if cell.get("failed"):
        return "failed"
    if cell.get("capped") and cell.get("done") is None:
        return f">{cell['budget']:.0f} s"
    if cell.get("capped"):
        return f">{cell['budget']:.0f} s ({cell['done']}/{cell['total']})"
    text = f"{cell['seconds']:.2f} s" if cell["seconds"] < 100 else f"{cell['seconds']:.0f} s"
    if cell.get("per_matter") is not None:
        text += f" ({cell['per_matter'] * 1000:.1f} ms per matter)"
    return text


def ratio(plain, fast) -> str:
    if not plain or not fast or plain.get("failed") or fast.get("failed") or not fast.get("seconds"):
        return "—"
    value = plain["seconds"] / fast["seconds"]
    bound = ">" if plain.get("capped") else ("<" if fast.get("capped") else "")
    return f"{bound}{value:.1f}x"


def print_table(results: dict, sizes, opts) -> None:
    print("\n| matters | stage | plain stack | peak MiB | fast path | peak MiB | plain / fast |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in sizes:
        for name in STAGES + ("end to end",):
            plain, fast = results.get(("plain", name, size)), results.get(("fast", name, size))
            if plain is None and fast is None:
                continue
            print(f"| {size:,} | {name} | {fmt_seconds(plain)} | {_mib(plain)} | {fmt_seconds(fast)} | {_mib(fast)} "
                  f"| {ratio(plain, fast) if name != 'assess' else 'same engine'} |")
    print()
    for size in sizes:
        fast_queries = results.get(("fast", "queries", size))
        plain_queries = results.get(("plain", "queries", size))
        if fast_queries and fast_queries.get("median_ms") is not None:
            print(f"{size:,} matters, saved queries (fast): median {fast_queries['median_ms']:.1f} ms, slowest "
                  f"{fast_queries['max_ms']:.0f} ms ({fast_queries['slowest']}), {fast_queries['done']} queries")
        if plain_queries and plain_queries.get("median_ms") is not None:
            print(f"{size:,} matters, saved queries (plain): median {plain_queries['median_ms']:.0f} ms, slowest "
                  f"{plain_queries['max_ms']:.0f} ms ({plain_queries['slowest']}), {plain_queries['done']} of "
                  f"{plain_queries['total']} done, {plain_queries['errors']} failed in rdflib")
        e2e = results.get(("fast", "end to end", size))
        if e2e and not e2e.get("capped") and not e2e.get("failed"):
            print(f"{size:,} matters, fast end to end in one process: {e2e['seconds']:.1f} s (load+reason "
                  f"{e2e['load_reason']:.1f} s, validate {e2e['validate']:.1f} s, queries {e2e['queries']:.1f} s), "
                  f"peak {e2e['peak_mib']:,.0f} MiB")
        server = results.get(("server", size))
        if server:
            print(f"{size:,} matters, Oxigraph server: publish {server['publish']:.1f} s, saved queries over HTTP "
                  f"median {server['median_ms']:.1f} ms, slowest {server['max_ms']:.0f} ms")


def _mib(cell) -> str:
    return "—" if cell is None else f"{cell['peak_mib']:,.0f}"


def server_run(path: Path, size: int) -> dict | None:
    """Publish to a fresh Oxigraph server and time the saved queries over HTTP."""
    from oxigraph_server import OxigraphServer, oxigraph_binary  # tests/oxigraph_server.py

    from enforcekg.dataset import build
    from enforcekg.publish import publish
    from enforcekg.query import run_saved_query
    from enforcekg.remote import RemoteEngine

    if oxigraph_binary() is None:
        return None
    with tempfile.TemporaryDirectory() as location:
        server = OxigraphServer(Path(location))
        try:
            engine = RemoteEngine(server.query_url, timeout=600)
            started = time.perf_counter()
            publish(engine, build([path]))
            published = time.perf_counter() - started
            medians = []
            for query in _saved():
                times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    run_saved_query(query, {}, engine, timeout=120)
                    times.append(time.perf_counter() - t0)
                medians.append(statistics.median(times))
        finally:
            server.stop()
    return {"publish": published, "median_ms": statistics.median(medians) * 1000, "max_ms": max(medians) * 1000}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        stack, name, path, repeat = argv[1:5]
        stage(stack, name, path, int(repeat))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="matters per run, comma-separated (default 1000,10000)")
    parser.add_argument("--plain-max", type=int, default=10_000, help="largest size the plain stack runs at")
    parser.add_argument("--budget", type=float, default=120, help="seconds a plain-stack stage may take (default 120)")
    parser.add_argument("--fast-budget", type=float, default=300, help="seconds a fast-path stage may take (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per saved query on the fast path (default 3)")
    parser.add_argument("--stages", default=",".join(STAGES + ("e2e",)), help="stages to run (default: all)")
    parser.add_argument("--server", action="store_true", help="also publish to an Oxigraph server and query over HTTP")
    parser.add_argument("--workdir", default=None, help="where to keep generated matters (default: a temp dir)")
    opts = parser.parse_args(argv)
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    wanted = set(opts.stages.split(","))
    workdir = Path(opts.workdir or Path(tempfile.gettempdir()) / "enforcekg-bench")
    workdir.mkdir(parents=True, exist_ok=True)
    import synthetic

    print(f"enforcekg benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, sizes {sizes}; "
          f"plain stack up to {opts.plain_max:,} matters, {opts.budget:.0f} s per stage; fast path "
          f"{opts.fast_budget:.0f} s per stage", flush=True)
    results: dict = {}
    total = time.perf_counter()
    for size in sizes:
        path = workdir / f"matters-{size}.ttl"
        if not path.exists():
            synthetic.write(size, path)
        for name in STAGES:
            if name not in wanted:
                continue
            for stack in ("plain", "fast"):
                if stack == "plain" and (size > opts.plain_max or name == "assess"):
                    continue
                cell = measure(stack, name, path, size, opts)
                results[(stack, name, size)] = cell
                print(f"  {size:>7,} {name:<9} {stack:<5} {fmt_seconds(cell):>28}  peak {cell['peak_mib']:,.0f} MiB", flush=True)
        if "e2e" in wanted:
            child = run_child(["fast", "e2e", str(path), str(opts.repeat)], opts.fast_budget)
            cell = dict(child["lines"][0]) if child["lines"] else {"seconds": opts.fast_budget}
            cell.update(peak_mib=child["peak_mib"], capped=child["capped"], failed=child["failed"], budget=opts.fast_budget)
            results[("fast", "end to end", size)] = cell
            print(f"  {size:>7,} end to end fast  {fmt_seconds(cell):>22}  peak {cell['peak_mib']:,.0f} MiB", flush=True)
            if size <= opts.plain_max and all(("plain", s, size) in results for s in ("load", "validate", "reason", "queries")):
                parts = [results[("plain", s, size)] for s in ("load", "validate", "reason", "queries")]
                results[("plain", "end to end", size)] = {
                    "seconds": sum(p["seconds"] or 0 for p in parts), "capped": any(p["capped"] for p in parts),
                    "failed": any(p["failed"] for p in parts), "peak_mib": max(p["peak_mib"] for p in parts),
                    "budget": sum(p["seconds"] or 0 for p in parts)}
                if results[("plain", "end to end", size)]["capped"]:
                    results[("plain", "end to end", size)]["done"] = None
        if opts.server:
            results[("server", size)] = server_run(path, size)
    print_table(results, sizes, opts)
    print(f"\n(benchmark wall time {time.perf_counter() - total:.0f} s; peak = maximum resident set of the stage's process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
