"""Build Turtle from the knowledge-base templates in ``data/templates`` (the ROBOT template idea).

A template is a CSV file whose first row names the columns and whose second row says, for each
column, how a cell becomes RDF:

=========================  =====================================================================
``ID``                      the subject, as a CURIE (``ekgid:treaty-fr``); required in every row
``TYPE``                    an ``rdf:type`` of the subject (CURIE)
``A prop@lang``             a literal in that language (``A rdfs:label@zh``)
``A prop^^datatype``        a typed literal (``A ekg:effectiveFrom^^xsd:date``); plain ``A prop``
                            gives a plain string
``I prop``                  an IRI object (CURIE or full IRI)
``SC``                      ``rdfs:subClassOf`` the cell's class
``COUNTRY prop``            an ISO 3166-1 alpha-2 code: links to ``ekgid:country-xx`` and emits
                            that country with its English and Chinese names from pycountry
=========================  =====================================================================

Any directive may end in ``SPLIT=|`` to allow several values in one cell. Every bad cell is
reported with its row and column; nothing is written unless every template is clean.
"""

from __future__ import annotations

import csv
import os
import gettext
import re
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .namespaces import EKG, EKGID, PREFIXES, SCHEMA, bind_prefixes
from .paths import GENERATED_DIR, TEMPLATES_DIR

DIRECTIVE = re.compile(
    r"^(?P<kind>ID|TYPE|A|I|SC|COUNTRY)"
    r"(?:\s+(?!SPLIT=)(?P<prop>[^\s@^]+)(?:@(?P<lang>[A-Za-z-]+)|\^\^(?P<datatype>\S+?))?)?"
    r"(?:\s+SPLIT=(?P<split>\S))?$"
)
IRI_LIKE = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
GUIDE_SOURCE = EKGID["guide-s3-1"]


@dataclass
class CellError:
    path: Path
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.row}: column '{self.column}': {self.message}"


class TemplateError(ValueError):
    """One or more template cells could not be turned into RDF."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _expand(curie: str) -> URIRef:
    if IRI_LIKE.match(curie):
        return URIRef(curie)
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES or not LOCAL_NAME.match(local):
        raise ValueError(f"expected a CURIE with a known prefix ({', '.join(PREFIXES)}), got {curie!r}")
    return URIRef(str(PREFIXES[prefix]) + local)


def _literal(value: str, lang: str | None, datatype: str | None) -> Literal:
    if lang:
        return Literal(value, lang=lang)
    if not datatype:
        return Literal(value)
    dt = _expand(datatype)
    if dt == XSD.date:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    elif dt in (XSD.decimal, XSD.integer):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
        if dt == XSD.integer and number != number.to_integral_value():
            raise ValueError(f"expected a whole number, got {value!r}")
    elif dt == XSD.boolean and value not in ("true", "false"):
        raise ValueError(f"expected true or false, got {value!r}")
    return Literal(value, datatype=dt)


def _chinese_country_names():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


def country_graph(code: str, zh=None) -> tuple[URIRef, Graph]:
    """The ``ekgid:country-xx`` individual for an ISO 3166-1 alpha-2 *code*, named by pycountry."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        raise ValueError(f"expected an ISO 3166-1 alpha-2 country code, got {code!r}")
    zh = zh or _chinese_country_names()
    name = getattr(country, "common_name", None) or country.name
    node = EKGID[f"country-{country.alpha_2.lower()}"]
    g = Graph()
    g.add((node, RDF.type, OWL.NamedIndividual))
    g.add((node, RDF.type, SCHEMA.Country))
    g.add((node, RDFS.label, Literal(name, lang="en")))
    g.add((node, RDFS.label, Literal(zh.gettext(country.name), lang="zh")))
    g.add((node, SKOS.definition, Literal(f"The state with ISO 3166-1 code {country.alpha_2} ({country.name}).", lang="en")))
    g.add((node, DCTERMS.identifier, Literal(country.alpha_2)))
    g.add((node, SCHEMA.identifier, Literal(country.alpha_3)))
    g.add((node, DCTERMS.source, GUIDE_SOURCE))
    return node, g


def read_template(path: Path) -> tuple[list[str], list[tuple], list[list[str]]]:
    """The header, the parsed directive row and the data rows of a template file."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        raise TemplateError([CellError(path, 1, "", "expected a header row and a template row")])
    header, template_row, data = rows[0], rows[1], rows[2:]
    errors, directives = [], []
    for column, spec in zip(header, template_row + [""] * (len(header) - len(template_row))):
        match = DIRECTIVE.match(spec.strip())
        if not match:
            errors.append(CellError(path, 2, column, f"unknown template directive {spec!r}; expected ID, TYPE, A prop, I prop, SC or COUNTRY prop"))
        directives.append(match)
    if not any(m and m["kind"] == "ID" for m in directives):
        errors.append(CellError(path, 2, "", "no ID column"))
    if errors:
        raise TemplateError(errors)
    return header, directives, data


def build_template(path: Path) -> Graph:
    """Turn one template into a graph, or raise :class:`TemplateError` listing every bad cell."""
    path = Path(path)
    header, directives, data = read_template(path)
    graph, errors, zh = bind_prefixes(Graph()), [], _chinese_country_names()
    for row_number, row in enumerate(data, start=3):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append(CellError(path, row_number, header[-1], f"{len(row)} cells but only {len(header)} columns"))
            continue
        cells = dict(zip(header, [c.strip() for c in row] + [""] * (len(header) - len(row))))
        id_column = next(h for h, m in zip(header, directives) if m["kind"] == "ID")
        try:
            subject = _expand(cells[id_column])
        except ValueError as exc:
            errors.append(CellError(path, row_number, id_column, str(exc)))
            continue
        for column, match in zip(header, directives):
            value = cells[column]
            if match["kind"] == "ID" or not value:
                continue
            values = value.split(match["split"]) if match["split"] else [value]
            for item in (v.strip() for v in values):
                try:
                    _add_cell(graph, subject, match, item, zh)
                except ValueError as exc:
                    errors.append(CellError(path, row_number, column, str(exc)))
    if errors:
        raise TemplateError(errors)
    return graph


def _add_cell(graph: Graph, subject: URIRef, match, value: str, zh) -> None:
    kind = match["kind"]
    if kind == "TYPE":
        graph.add((subject, RDF.type, _expand(value)))
    elif kind == "SC":
        graph.add((subject, RDFS.subClassOf, _expand(value)))
    elif kind == "A":
        graph.add((subject, _expand(match["prop"]), _literal(value, match["lang"], match["datatype"])))
    elif kind == "I":
        graph.add((subject, _expand(match["prop"]), _expand(value)))
    elif kind == "COUNTRY":
        node, country = country_graph(value, zh)
        graph += country
        graph.add((subject, _expand(match["prop"]), node))


def knowledge_templates() -> list[Path]:
    """Templates under data/templates whose second row is a directive row (not case-data templates)."""
    found = []
    for path in sorted(TEMPLATES_DIR.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = [row for _, row in zip(range(2), csv.reader(handle))]
        if len(rows) == 2 and any(cell.strip() == "ID" for cell in rows[1]):
            found.append(path)
    return found


def generated_path(template: Path) -> Path:
    return GENERATED_DIR / f"{template.stem}.ttl"


def render(graph: Graph, template: Path) -> str:
    body = graph.serialize(format="turtle")
    return f"# Generated by `enforcekg build` from {template.relative_to(template.parents[2])}; do not edit by hand.\n{body}"


def add_arguments(parser):
    parser.add_argument("templates", nargs="*", type=Path, help="templates to build (default: all under data/templates)")
    parser.add_argument("--check", action="store_true", help="only check that the generated files are up to date")
    parser.add_argument("--out", type=Path, default=None, help="write here instead of data/generated")


def run(args) -> int:
    templates = args.templates or knowledge_templates()
    outputs, errors = {}, []
    for template in templates:
        try:
            graph = build_template(template)
        except TemplateError as exc:
            errors.extend(exc.errors)
            continue
        except OSError as exc:
            print(f"enforcekg build: {template}: {exc.strerror}", file=sys.stderr)
            return 2
        target = (args.out / f"{template.stem}.ttl") if args.out else generated_path(template)
        outputs[target] = render(graph, Path(template).resolve())
    if errors:
        print("row\tcolumn\tproblem\tfile", file=sys.stderr)
        for e in errors:
            print(f"{e.row}\t{e.column}\t{e.message}\t{e.path}", file=sys.stderr)
        print(f"enforcekg build: {len(errors)} bad cell(s); nothing written", file=sys.stderr)
        return 2
    stale = [t for t, text in outputs.items() if not t.exists() or t.read_text(encoding="utf-8") != text]
    if args.check:
        for target in stale:
            print(f"out of date: {target} (run `enforcekg build`)", file=sys.stderr)
        return 1 if stale else 0
    for target in stale:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".ttl.partial")
        partial.write_text(outputs[target], encoding="utf-8")
        os.replace(partial, target)
        print(f"wrote {target}")
    print(f"{len(outputs)} template(s) built, {len(stale)} file(s) changed")
    return 0
