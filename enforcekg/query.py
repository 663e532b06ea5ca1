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
:func:`run_saved_query` pre-binds them in the store — values never enter the query text.

Exit codes: 0 success, 2 unknown query, bad parameter value, unreadable case file, refused,
failed or timed-out query.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
import sys
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .namespaces import PREFIXES
from .paths import QUERIES_DIR
from .queryfile import QueryFile, QueryFileError, read_query_file
from .store import (DEFAULT_LIMIT, DEFAULT_TIMEOUT, FORMATS, QueryEngine, QueryError, QueryResult, compact,
                    engine_for, render, truncation_notice)

GROUPS = ("explore", "recognition", "enforcement", "remedies", "procedure", "analytics")
TYPES = ("iri", "string", "langstring", "date", "integer", "decimal", "boolean")
TYPE_HELP = {
    "iri": "an IRI: a CURIE such as ekgid:country-fr or a full http(s) IRI",
    "string": "any text",
    "langstring": "text with a language tag, such as 判决@zh or judgment@en",
    "date": "a date as YYYY-MM-DD (or 'today')",
    "integer": "a whole number",
    "decimal": "a number such as 5000 or 0.5",
    "boolean": "true or false",
}
MAX_TEXT = 2000

PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CURIE = re.compile(r"^(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>[^\s<>\"{}|\\^`]*)$")
ABSOLUTE_IRI = re.compile(r"^(?:https?|urn|mailto|file|tag):[^\s<>\"{}|\\^`]+$", re.IGNORECASE)
LANG_STRING = re.compile(r"^(?P<text>.*)@(?P<lang>[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$", re.DOTALL)
INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}


class ParameterError(ValueError):
    """A parameter value that cannot be used; the message names the parameter and what was expected."""


# --------------------------------------------------------------------------- specs


@dataclass
class ParamSpec:
    """One ``#+ param:`` line (with its ``#+ values:`` line, if any)."""

    name: str
    type: str
    default: str | None = None
    required: bool = False
    help: str = ""
    values: list[str] | None = None  # a fixed list of allowed values (raw text)
    values_query: str | None = None  # or a SELECT ?value ?label query giving them

    @property
    def enumerated(self) -> bool:
        return self.values is not None or self.values_query is not None

    def to_dict(self) -> dict:
        return asdict(self)


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


def parse_param(line: str, where: str = "") -> ParamSpec:
    """Parse the value of one ``#+ param:`` line: ``NAME TYPE [required] [default=V] -- help``."""
    spec_text, _, help_text = line.partition(" -- ")
    try:
        tokens = shlex.split(spec_text)
    except ValueError as exc:
        raise QueryFileError(f"{where}: bad #+ param line {line!r}: {exc}") from None
    if len(tokens) < 2:
        raise QueryFileError(f"{where}: #+ param needs a name and a type, got {line!r}")
    name, kind, options = tokens[0].lstrip("?$"), tokens[1].lower(), tokens[2:]
    if not PARAM_NAME.match(name):
        raise QueryFileError(f"{where}: parameter name {name!r} is not a SPARQL variable name")
    if kind not in TYPES:
        raise QueryFileError(f"{where}: parameter {name!r} has unknown type {kind!r}; expected one of {', '.join(TYPES)}")
    spec = ParamSpec(name=name, type=kind, help=help_text.strip())
    for option in options:
        key, eq, value = option.partition("=")
        if key == "required" and not eq:
            spec.required = True
        elif key == "optional" and not eq:
            spec.required = False
        elif key == "default" and eq:
            spec.default = value
        else:
            raise QueryFileError(f"{where}: parameter {name!r}: unknown option {option!r} "
                                 "(expected required, optional or default=VALUE)")
    return spec


def parse_values(line: str, specs: dict[str, ParamSpec], where: str = "") -> None:
    """Attach one ``#+ values: NAME = a | b | c`` or ``#+ values: NAME = SELECT ...`` line."""
    name, eq, rest = line.partition("=")
    name, rest = name.strip().lstrip("?$"), rest.strip()
    if not eq or name not in specs:
        raise QueryFileError(f"{where}: #+ values must read 'NAME = ...' for a declared parameter, got {line!r}")
    if re.match(r"^(SELECT|PREFIX)\b", rest, re.IGNORECASE):
        specs[name].values_query = rest
    else:
        specs[name].values = [v.strip() for v in rest.split("|") if v.strip()]


def parameter_specs_from_header(header: dict, where: str = "") -> list[ParamSpec]:
    specs: dict[str, ParamSpec] = {}
    for line in header.get("param", []):
        spec = parse_param(line, where)
        if spec.name in specs:
            raise QueryFileError(f"{where}: parameter {spec.name!r} declared twice")
        specs[spec.name] = spec
    for line in header.get("values", []):
        parse_values(line, specs, where)
    for spec in specs.values():  # a bad default or enumeration is the query author's error
        try:
            for value in spec.values or []:
                convert_value(spec, value)
            if spec.default is not None:
                convert_value(spec, spec.default)
                if spec.values is not None and spec.default not in spec.values:
                    raise ParameterError(f"default {spec.default!r} is not among the allowed values")
        except ParameterError as exc:
            raise QueryFileError(f"{where}: {exc}") from None
    return list(specs.values())


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


# --------------------------------------------------------------------------- values


def _expand_iri(spec: ParamSpec, raw: str) -> URIRef:
    value = raw.strip()
    bracketed = value.startswith("<") and value.endswith(">")
    if bracketed:
        value = value[1:-1]
    match = CURIE.match(value)
    if not bracketed and match and match.group("prefix") in PREFIXES and match.group("local"):
        return URIRef(str(PREFIXES[match.group("prefix")]) + match.group("local"))
    if ABSOLUTE_IRI.match(value):
        return URIRef(value)
    if not bracketed and match and match.group("prefix") and match.group("prefix") not in PREFIXES:
        raise ParameterError(f"parameter '{spec.name}' expects {TYPE_HELP['iri']}; unknown prefix "
                             f"{match.group('prefix')!r} in {raw!r} (known: {', '.join(PREFIXES)})")
    raise ParameterError(f"parameter '{spec.name}' expects {TYPE_HELP['iri']}, got {raw!r}")


def convert_value(spec: ParamSpec, raw: str):
    """The typed RDF term for the text *raw* given for *spec*, or :class:`ParameterError`."""
    if not isinstance(raw, str):
        raw = str(raw)
    if len(raw) > MAX_TEXT:
        raise ParameterError(f"parameter '{spec.name}' is too long ({len(raw)} characters; at most {MAX_TEXT})")
    kind = spec.type
    expected = f"parameter '{spec.name}' expects {TYPE_HELP[kind]}, got {raw!r}"
    if kind == "iri":
        return _expand_iri(spec, raw)
    if kind == "string":
        return Literal(raw)
    if kind == "langstring":
        match = LANG_STRING.match(raw.strip())
        if not match or not match.group("text").strip():
            raise ParameterError(expected)
        return Literal(match.group("text").strip(), lang=match.group("lang").lower())
    value = raw.strip()
    if kind == "date":
        if value.lower() == "today":
            return Literal(date.today().isoformat(), datatype=XSD.date)
        try:
            if not ISO_DATE.match(value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise ParameterError(expected) from None
        return Literal(value, datatype=XSD.date)
    if kind == "integer":
        if not INTEGER.match(value):
            raise ParameterError(expected)
        return Literal(str(int(value)), datatype=XSD.integer)
    if kind == "decimal":
        if not DECIMAL.match(value):
            raise ParameterError(expected)
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ParameterError(expected) from None
        return Literal(str(number), datatype=XSD.decimal, normalize=False)
    if kind == "boolean":
        if value.lower() not in BOOLEANS:
            raise ParameterError(expected)
        return Literal("true" if BOOLEANS[value.lower()] else "false", datatype=XSD.boolean)
    raise ParameterError(f"parameter '{spec.name}' has unknown type {kind!r}")


def allowed_values(spec: ParamSpec, engine: QueryEngine | None = None) -> list[tuple] | None:
    """``[(term, label), ...]`` a parameter may take, or None when it is not enumerated."""
    if spec.values is not None:
        return [(convert_value(spec, v), v) for v in spec.values]
    if spec.values_query is None:
        return None
    engine = engine or engine_for()
    result = engine.select(spec.values_query, timeout=None, limit=None)
    if "value" not in result.variables:
        raise QueryError(f"the values query of parameter '{spec.name}' must select ?value (and optionally ?label)")
    seen, out = set(), []
    for record in result.records():
        term = record.get("value")
        if term is None or term in seen:
            continue
        seen.add(term)
        out.append((term, str(record.get("label", compact(term)))))
    return sorted(out, key=lambda item: (item[1].casefold(), str(item[0])))


def _match_enumeration(spec: ParamSpec, raw: str, options: list[tuple]):
    """The allowed term *raw* names: by value, or (for IRIs) by its label, case-insensitively."""
    problem = None
    try:
        term = convert_value(spec, raw)
    except ParameterError as exc:
        term, problem = None, str(exc)
    if term is not None and term in {t for t, _ in options}:
        return term
    if spec.type == "iri":
        wanted = raw.strip().casefold()
        hits = {t for t, label in options if label.casefold() == wanted}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            names = ", ".join(sorted(compact(t) for t in hits))
            raise ParameterError(f"parameter '{spec.name}': {raw!r} is the label of several allowed values "
                                 f"({names}); give the IRI")
    shown = ", ".join(f"{compact(t)}" + (f" ({label})" if label != compact(t) else "") for t, label in options[:12])
    more = f", … ({len(options)} in all; see `enforcekg query show`)" if len(options) > 12 else ""
    if problem:
        raise ParameterError(f"{problem}; allowed values: {shown}{more}")
    raise ParameterError(f"parameter '{spec.name}': {raw!r} is not one of the allowed values: {shown}{more}")


def bind_parameters(query: SavedQuery, raw: dict | None = None, engine: QueryEngine | None = None) -> dict:
    """Typed RDF terms for the raw parameter texts, with defaults applied.

    Unknown names, missing required values, malformed values and values outside an enumeration
    raise :class:`ParameterError`. Parameters with neither a value nor a default stay unbound.
    """
    raw = dict(raw or {})
    known = {p.name for p in query.params}
    for name in raw:
        if name not in known:
            raise ParameterError(f"{query.name} has no parameter {name!r}; its parameters are: "
                                 f"{', '.join(sorted(known)) or '(none)'}")
    bindings = {}
    for spec in query.params:
        value = raw.get(spec.name)
        if value is None or (isinstance(value, str) and value == "" and spec.type != "string"):
            value = spec.default
        if value is None:
            if spec.required:
                raise ParameterError(f"parameter '{spec.name}' is required ({TYPE_HELP[spec.type]}): "
                                     f"give it with --param {spec.name}=VALUE")
            continue
        if spec.enumerated:
            bindings[spec.name] = _match_enumeration(spec, value, allowed_values(spec, engine))
        else:
            bindings[spec.name] = convert_value(spec, value)
    return bindings


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
    engine = engine_for(args.data) if any(p.values_query for p in query.params) else None
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
    engine = engine_for(args.data)
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
