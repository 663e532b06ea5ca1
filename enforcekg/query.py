"""Saved queries: list them, show them and run them with typed parameters.

The saved queries live in ``queries/<group>/*.rq`` (groups: explore, recognition, enforcement,
remedies, procedure, analytics). Each file starts with a header (see ``queries/README.md``)::

    #+ title: Recognition basis for a judgment from a country
    #+ description: Which legal basis ...
    #+ tags: recognition, foreign judgment
    #+ param: country iri required -- the state whose court gave the judgment
    #+ values: country = SELECT ?value ?label WHERE { ?value a schema:Country ; rdfs:label ?label }

The header alone drives the command line and the app: :func:`parameter_specs` returns the
parameters, :func:`allowed_values` their enumerations, :func:`bind_parameters` turns raw text
into typed RDF terms (or raises :class:`ParameterError` naming the parameter), and
:func:`run_saved_query` pre-binds them in the store — values never enter the query text. The
parameter machinery lives in :mod:`enforcekg.params`; its public names are re-exported here.

Exit codes: 0 success, 2 unknown query, bad parameter value, unreadable case file, refused,
failed or timed-out query.
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .params import (TYPE_HELP, ParameterError, ParamSpec, allowed_values, bind_parameters, convert_value,
                     parameter_specs_from_header, parse_param)
from .paths import QUERIES_DIR
from .queryfile import QueryFile, QueryFileError, read_query_file
from .store import (DEFAULT_LIMIT, DEFAULT_TIMEOUT, FORMATS, QueryEngine, QueryError, QueryResult, compact,
                    engine_for, engine_from_config, render, truncation_notice)

__all__ = ["GROUPS", "TYPE_HELP", "ParameterError", "ParamSpec", "SavedQuery", "add_arguments",
           "add_run_options", "allowed_values", "bind_parameters", "convert_value", "emit", "get_query",
           "parameter_specs", "parameter_specs_from_header", "parse_param", "query_dirs", "run", "run_saved_query",
           "saved_queries"]

GROUPS = ("explore", "recognition", "enforcement", "remedies", "procedure", "analytics")


# --------------------------------------------------------------------------- saved queries


@dataclass
class SavedQuery:
    """A saved query: its file, group, parameters and SPARQL text."""

    file: QueryFile
    group: str
    params: list[ParamSpec] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def title(self) -> str:
        return self.file.title

    @property
    def description(self) -> str:
        return self.file.description

    @property
    def text(self) -> str:
        return self.file.text

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def tags(self) -> list[str]:
        return [t.strip() for line in self.file.header.get("tags", []) for t in line.split(",") if t.strip()]

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise ParameterError(f"{self.name} has no parameter {name!r}; its parameters are: "
                             f"{', '.join(p.name for p in self.params) or '(none)'}")

    def to_dict(self) -> dict:
        return {"name": self.name, "group": self.group, "title": self.title, "description": self.description,
                "tags": self.tags, "path": str(self.path), "params": [p.to_dict() for p in self.params]}


def query_dirs() -> list[Path]:
    return [QUERIES_DIR / group for group in GROUPS]


@lru_cache(maxsize=1)
def _load_saved_queries(stamp: tuple) -> tuple[SavedQuery, ...]:
    found = []
    for group in GROUPS:
        for path in sorted((QUERIES_DIR / group).glob("*.rq")):
            qf = read_query_file(path)
            found.append(SavedQuery(qf, group, parameter_specs_from_header(qf.header, str(path))))
    names = [q.name for q in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise QueryFileError(f"saved query names must be unique across groups: {', '.join(duplicates)}")
    return tuple(found)


def saved_queries() -> list[SavedQuery]:
    """Every saved query, by group then name (re-read when a file changes)."""
    stamp = tuple(
        (str(p), p.stat().st_mtime_ns) for d in query_dirs() if d.is_dir() for p in sorted(d.glob("*.rq"))
    )
    return list(_load_saved_queries(stamp))


def get_query(name: str) -> SavedQuery:
    """The saved query called *name* (``treaty-partners`` or ``recognition/treaty-partners``)."""
    name = name.removesuffix(".rq").split("/")[-1]
    queries = saved_queries()
    for query in queries:
        if query.name == name:
            return query
    close = difflib.get_close_matches(name, [q.name for q in queries], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `enforcekg query list`"
    raise KeyError(f"no saved query called {name!r}{hint}")


def parameter_specs(query) -> list[ParamSpec]:
    """The parameters of a saved query (a :class:`SavedQuery`, its name, or a path to a .rq file)."""
    if isinstance(query, SavedQuery):
        return query.params
    path = Path(str(query))
    if path.suffix == ".rq" and path.exists():
        qf = read_query_file(path)
        return parameter_specs_from_header(qf.header, str(path))
    return get_query(str(query)).params


def run_saved_query(query, params: dict | None = None, engine: QueryEngine | None = None, *,
                    timeout: float | None = DEFAULT_TIMEOUT, limit: int | None = DEFAULT_LIMIT,
                    keep_parameter_columns: bool = False) -> QueryResult:
    """Run a saved query (object or name) with raw parameter texts.

    The columns of parameters that were bound (constant in every row) are left out unless
    *keep_parameter_columns*; unbound optional parameters keep their columns.
    """
    query = query if isinstance(query, SavedQuery) else get_query(str(query))
    engine = engine or engine_for()
    bindings = bind_parameters(query, params, engine)
    result = engine.select(query.text, bindings, timeout=timeout, limit=limit)
    return result if keep_parameter_columns else result.without_columns(bindings)


# --------------------------------------------------------------------------- command line


def _parse_param_args(items) -> dict:
    params = {}
    for item in items or []:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise ParameterError(f"--param expects NAME=VALUE, got {item!r}")
        params[name.strip()] = value
    return params


def add_arguments(parser):
    sub = parser.add_subparsers(dest="query_command", metavar="ACTION")
    list_parser = sub.add_parser("list", help="list the saved queries with their descriptions")
    list_parser.add_argument("--group", choices=GROUPS, help="only this group")
    list_parser.add_argument("--format", choices=("human", "json"), default="human")

    show = sub.add_parser("show", help="show a saved query: description, parameters and SPARQL")
    show.add_argument("name")
    show.add_argument("--format", choices=("human", "json"), default="human")
    show.add_argument("--data", nargs="+", default=[], metavar="FILE", help="case files (for enumerations drawn from them)")

    run_parser = sub.add_parser("run", help="run a saved query")
    run_parser.add_argument("name")
    run_parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                            help="a parameter value (repeat for several)")
    add_run_options(run_parser)


def add_run_options(parser):
    """Options shared by ``query run`` and ``sparql``."""
    parser.add_argument("--data", nargs="+", default=[], metavar="FILE",
                        help="case files (Turtle; JSON-LD and CSV through the intake) to query with the graph")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop the query after this long (default {DEFAULT_TIMEOUT:g}; 0 = no limit)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="ROWS",
                        help=f"return at most this many rows (default {DEFAULT_LIMIT:,}; 0 = no cap)")
    parser.add_argument("--endpoint", metavar="URL", default=None,
                        help="query this SPARQL 1.1 server instead of the embedded graph (default: "
                             "$ENFORCEKG_ENDPOINT if set; see docs/endpoints.md)")


def emit(result: QueryResult, fmt: str) -> None:
    text = render(result, fmt)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    notice = truncation_notice(result)
    if notice:
        print(notice, file=sys.stderr)


def _list(args) -> int:
    queries = [q for q in saved_queries() if not args.group or q.group == args.group]
    if args.format == "json":
        print(json.dumps([q.to_dict() for q in queries], ensure_ascii=False, indent=2))
        return 0
    group = None
    for query in queries:
        if query.group != group:
            group = query.group
            print(f"\n{group}/" if group != queries[0].group else f"{group}/")
        params = " ".join(f"{p.name}={'…' if p.default is None else p.default}" for p in query.params)
        print(f"  {query.name}: {query.title}" + (f"  [{params}]" if params else ""))
        print(f"      {query.description}")
    print(f"\n{len(queries)} saved queries; run one with `enforcekg query run NAME --param name=value`")
    return 0


def _describe_values(spec: ParamSpec, engine) -> str:
    if spec.values is not None:
        return " | ".join(spec.values)
    if spec.values_query is not None:
        options = allowed_values(spec, engine)
        shown = ", ".join(f"{compact(t)} ({label})" for t, label in options[:8])
        return shown + (f", … ({len(options)} in all)" if len(options) > 8 else "")
    return ""


def _show(args) -> int:
    query = get_query(args.name)
    engine = engine_from_config(args.data, getattr(args, "endpoint", None)) if any(p.values_query for p in query.params) else None
    if args.format == "json":
        data = query.to_dict()
        for spec, item in zip(query.params, data["params"]):
            options = allowed_values(spec, engine)
            item["allowed"] = None if options is None else [{"value": str(t), "label": label} for t, label in options]
        data["sparql"] = query.text
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{query.title}  ({query.group}/{query.name})")
    print(query.description)
    if query.tags:
        print(f"tags: {', '.join(query.tags)}")
    print(f"file: {query.path}")
    if query.params:
        print("parameters:")
        for spec in query.params:
            flags = "required" if spec.required and spec.default is None else (
                f"default {spec.default}" if spec.default is not None else "optional (unbound: no filter)")
            print(f"  {spec.name} ({spec.type}; {flags}) — {spec.help}")
            allowed = _describe_values(spec, engine)
            if allowed:
                print(f"      allowed: {allowed}")
    else:
        print("parameters: none")
    print()
    print(query.text.rstrip())
    return 0


def _run(args) -> int:
    query = get_query(args.name)
    params = _parse_param_args(args.param)
    engine = engine_from_config(args.data, args.endpoint)
    result = run_saved_query(query, params, engine, timeout=args.timeout or None, limit=args.limit or None)
    emit(result, args.format)
    return 0


def run(args) -> int:
    actions = {"list": _list, "show": _show, "run": _run}
    action = actions.get(getattr(args, "query_command", None))
    if action is None:
        print("enforcekg query: choose an action: list, show NAME or run NAME (see --help)", file=sys.stderr)
        return 2
    try:
        return action(args)
    except KeyError as exc:
        print(f"enforcekg query: {exc.args[0]}", file=sys.stderr)
    except (ParameterError, QueryError, QueryFileError) as exc:
        print(f"enforcekg query: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"enforcekg query: {exc}", file=sys.stderr)
    except ValueError as exc:  # GraphLoadError from a case file
        print(f"enforcekg query: {exc}", file=sys.stderr)
    return 2
