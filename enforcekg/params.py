"""Typed parameters of the saved queries: their header lines, their values and their binding.

A ``#+ param:`` line declares a parameter (:func:`parse_param`), a ``#+ values:`` line its
enumeration (:func:`parse_values`). :func:`convert_value` turns raw text into a typed RDF term,
:func:`allowed_values` lists an enumeration, and :func:`bind_parameters` does both for every
parameter of a query, raising :class:`ParameterError` naming the parameter.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .namespaces import PREFIXES
from .queryfile import QueryFileError
from .store import QueryEngine, QueryError, compact, engine_for

if TYPE_CHECKING:
    from .query import SavedQuery

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
    """The parameters a parsed query header declares; a bad declaration raises :class:`QueryFileError`."""
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
