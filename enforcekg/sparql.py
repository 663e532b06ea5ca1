"""Run a free, read-only SPARQL query over the graph, its inferences and any case files.

QUERY_OR_FILE is a path to a ``.rq`` file, ``-`` for standard input, or the query text itself.
The project prefixes (ekg:, ekgid:, rdfs:, skos:, dcterms:, …) are declared for you.

Only SELECT, ASK, CONSTRUCT and DESCRIBE run: a SPARQL Update (INSERT, DELETE, LOAD, CLEAR,
DROP, CREATE, ADD, MOVE, COPY) is refused and the graph is left unchanged; SERVICE is disabled.
A query is stopped after --timeout seconds (default 30) and answers are capped at --limit rows
(default 10,000), with a notice. ASK prints true or false; CONSTRUCT and DESCRIBE print Turtle
(as ``table``) or subject/predicate/object rows (csv, tsv, json).

Exit codes: 0 success, 2 unreadable query or case file, syntax error, refused update, timeout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .query import add_run_options, emit
from .store import DEFAULT_LIMIT, DEFAULT_TIMEOUT, QueryError, QueryResult, engine_for, engine_from_config

QUERY_FILE_SUFFIXES = (".rq", ".sparql", ".txt")


def read_query_argument(value: str) -> str:
    """The query text named by a command-line argument (file, ``-`` or literal text)."""
    if value == "-":
        return sys.stdin.read()
    path = Path(value)
    looks_like_file = "\n" not in value and len(value) < 4096 and (
        path.suffix.lower() in QUERY_FILE_SUFFIXES or (not any(c in value for c in "{} ?") and path.exists())
    )
    if looks_like_file:
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryError(f"{value}: no such query file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{value}: cannot read the query file ({exc})") from None
    return value


def run_free_query(text: str, data_files=(), *, timeout: float | None = DEFAULT_TIMEOUT,
                   limit: int | None = DEFAULT_LIMIT, engine=None) -> QueryResult:
    """Run a free query read-only, with the project prefixes, a timeout and a row cap."""
    if not text.strip():
        raise QueryError("the query is empty")
    engine = engine or engine_for(data_files)
    return engine.query(text, timeout=timeout, limit=limit, project_prefixes=True, read_only_check=True)


def add_arguments(parser):
    parser.add_argument("query", metavar="QUERY_OR_FILE", help="a .rq file, - for standard input, or the query text")
    add_run_options(parser)


def run(args) -> int:
    try:
        text = read_query_argument(args.query)
        engine = engine_from_config(args.data, getattr(args, "endpoint", None))
        result = run_free_query(text, args.data, timeout=args.timeout or None, limit=args.limit or None, engine=engine)
    except QueryError as exc:
        print(f"enforcekg sparql: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:  # unreadable case files (GraphLoadError is a ValueError)
        print(f"enforcekg sparql: {exc}", file=sys.stderr)
        return 2
    emit(result, args.format)
    return 0
