"""Run the quality checks of ``queries/qa`` over the shipped graph.

Each ``*-violation.rq`` returns the terms that break one rule; a check with rows fails. Checks
graded ERROR make the command exit 1; WARN checks are reported but do not fail.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from rdflib import Graph

from .load import GraphLoadError, load_files, load_knowledge_graph, to_oxigraph
from .paths import QA_DIR
from .queryfile import QueryFile, read_query_dir
from .release import release_check

SEVERITIES = ("ERROR", "WARN")


@dataclass
class CheckResult:
    check: QueryFile
    rows: list[dict]

    @property
    def severity(self) -> str:
        return self.check.header.get("severity", "ERROR").upper()

    @property
    def failed(self) -> bool:
        return bool(self.rows)


def qa_checks() -> list[QueryFile]:
    """The QA queries, each with a title, description and a known severity."""
    checks = read_query_dir(QA_DIR, required=("title", "description", "severity"))
    for check in checks:
        if check.header["severity"].upper() not in SEVERITIES:
            raise ValueError(f"{check.path}:1: severity must be one of {', '.join(SEVERITIES)}")
    return checks


def run_checks(graph: Graph | None = None) -> list[CheckResult]:
    """Run every QA query over *graph* (the shipped graph by default) on the fast engine.

    Checking the shipped graph also checks that no term of the last release has disappeared.
    """
    shipped = graph is None
    graph = load_knowledge_graph(copy=False) if shipped else graph
    store = to_oxigraph(graph)
    results = []
    for check in qa_checks():
        solutions = store.query(check.text)
        names = [variable.value for variable in solutions.variables]
        rows = [{name: (term.value if term is not None else "") for name, term in zip(names, row)} for row in solutions]
        results.append(CheckResult(check, rows))
    if shipped:
        results.append(release_check(graph))
    return results


def render_human(results: list[CheckResult], limit: int = 20) -> str:
    lines = []
    for result in sorted(results, key=lambda r: (not r.failed, SEVERITIES.index(r.severity), r.check.name)):
        status = result.severity if result.failed else "ok"
        lines.append(f"[{status:5}] {result.check.title} ({result.check.name}): {len(result.rows)} row(s)")
        for row in result.rows[:limit]:
            lines.append("        " + "  ".join(f"{k}={v}" for k, v in row.items()))
        if len(result.rows) > limit:
            lines.append(f"        … and {len(result.rows) - limit} more")
    errors = sum(1 for r in results if r.failed and r.severity == "ERROR")
    warnings = sum(1 for r in results if r.failed and r.severity == "WARN")
    lines.append(f"{len(results)} checks: {errors} with errors, {warnings} with warnings")
    return "\n".join(lines)


def add_files_argument(parser):
    """The Turtle files a checking command (check, release, reason-dl) reads instead of the shipped graph."""
    parser.add_argument("files", nargs="*", help="check these Turtle files instead of the shipped graph")


def load_graph_or_report(files, command: str) -> Graph | None:
    """The graph of *files* (the shipped graph when there are none), or None after saying on stderr
    why they cannot be read (``enforcekg <command>: …``)."""
    try:
        return load_files(files) if files else load_knowledge_graph(copy=False)
    except (GraphLoadError, OSError) as exc:
        print(f"enforcekg {command}: {exc}", file=sys.stderr)
        return None


def add_arguments(parser):
    add_files_argument(parser)
    parser.add_argument("--format", choices=("human", "json"), default="human")


def run(args) -> int:
    graph = load_graph_or_report(args.files, "check")
    if graph is None:
        return 2
    results = run_checks(None if not args.files else graph)
    if args.format == "json":
        print(json.dumps([
            {"check": r.check.name, "title": r.check.title, "severity": r.severity, "rows": r.rows}
            for r in results
        ], ensure_ascii=False, indent=2))
    else:
        print(render_human(results))
    return 1 if any(r.failed and r.severity == "ERROR" for r in results) else 0
