"""Explore the graph: the shared ground of the Explore logic behind the Streamlit app's Explore page.

Plain functions over a query engine (:class:`enforcekg.store.QueryEngine` — the embedded store or,
through the same interface, a remote SPARQL endpoint). The SPARQL lives in ``queries/app/*.rq``
(with the usual ``#+`` header) and every value is pre-bound through
:func:`enforcekg.query.run_saved_query`, never pasted into query text.

This module holds what the others share — the app queries, naming terms (:func:`resolve`,
:func:`pick`, :class:`Link`), the form helpers :func:`members` and :func:`is_subclass`, and
:func:`counts`. The rest lives beside it:

- :mod:`enforcekg.explore_search` — find terms by English or Chinese label or synonym, ranked.
- :mod:`enforcekg.explore_classes` — the ``ekg:`` class tree, with member counts, as data and HTML.
- :mod:`enforcekg.explore_term` — everything about one term (labels, sources, statements).
- :mod:`enforcekg.explore_term_html` — a term page as escaped HTML with clickable links.
- :mod:`enforcekg.explore_graph` — a term's neighbourhood as a small graph drawn in SVG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from .namespaces import PREFIXES
from .paths import QUERIES_DIR
from .query import SavedQuery, parameter_specs_from_header, run_saved_query
from .queryfile import read_query_file
from .store import QueryEngine, compact

# RDFS is re-exported: enforcekg.app_pages.assess_form reads explore.RDFS
__all__ = ["APP_QUERIES_DIR", "LANGS", "PROJECT_BASE", "RDFS", "Link", "Named", "app_query", "counts", "fold",
           "is_project_term", "is_subclass", "members", "pick", "record_labels", "resolve", "run_app_query"]

APP_QUERIES_DIR = QUERIES_DIR / "app"
PROJECT_BASE = "https://w3id.org/enforcekg/"
LANGS = ("en", "zh")


# --------------------------------------------------------------------------- queries


@lru_cache(maxsize=None)
def app_query(name: str) -> SavedQuery:
    """The app query ``queries/app/<name>.rq`` with its parameter specs."""
    path = APP_QUERIES_DIR / f"{name}.rq"
    qf = read_query_file(path)
    return SavedQuery(qf, "app", parameter_specs_from_header(qf.header, str(path)))


def run_app_query(engine: QueryEngine, name: str, params: dict | None = None, limit: int | None = None):
    """Run the app query *name* with *params* bound (no time limit)."""
    return run_saved_query(app_query(name), params or {}, engine, timeout=None, limit=limit)


def record_labels(record, en: str = "labelEn", zh: str = "labelZh") -> dict:
    """``{"en": …, "zh": …}`` from the label columns *en* and *zh* of a result record (missing ones left out)."""
    return {lang: str(record[column]) for lang, column in (("en", en), ("zh", zh)) if column in record}


# --------------------------------------------------------------------------- terms and labels


def is_project_term(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(PROJECT_BASE)


def resolve(text: str) -> URIRef | None:
    """The IRI a CURIE (``ekg:Remedy``), ``<IRI>`` or full project IRI names, else None."""
    value = (text or "").strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    match = re.match(r"^([A-Za-z][\w.-]*):([^\s/][^\s]*)$", value)
    if match and match.group(1) in PREFIXES and not value.startswith(("http:", "https:")):
        return URIRef(str(PREFIXES[match.group(1)]) + match.group(2))
    if re.match(r"^https?://\S+$", value):
        return URIRef(value)
    return None


def pick(labels: dict, lang: str = "en", fallback: str = "") -> str:
    """The label in *lang*, else in the other language, else *fallback*."""
    for key in (lang, *LANGS):
        if labels.get(key):
            return labels[key]
    return fallback


def fold(text: str) -> str:
    """Lower case with runs of hyphens, underscores and white space folded to one space."""
    return re.sub(r"[-_\s]+", " ", (text or "").lower()).strip()


class Named:
    """A mixin for a dataclass with a ``term`` and its ``labels`` by language."""

    @property
    def curie(self) -> str:
        return compact(self.term)

    def label(self, lang: str = "en") -> str:
        """The label in *lang*, else in the other language, else the CURIE."""
        return pick(self.labels, lang, self.curie)


@dataclass
class Link(Named):
    """A term named by its labels."""

    term: object
    labels: dict = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        if isinstance(self.term, Literal):
            return str(self.term)
        return super().label(lang)


# --------------------------------------------------------------------------- form helpers


def members(engine: QueryEngine, cls) -> list[Link]:
    """The named individuals of class *cls* (a CURIE or IRI), with their labels, by English label."""
    result = run_app_query(engine, "members", {"class": str(resolve(str(cls)) or cls)})
    out: dict = {}
    for record in result.records():
        out.setdefault(record["member"], Link(record["member"], record_labels(record)))
    return list(out.values())


def is_subclass(engine: QueryEngine, sub, sup) -> bool:
    """Whether class *sub* is *sup* or lies below it (CURIEs or IRIs)."""
    params = {"sub": str(resolve(str(sub)) or sub), "super": str(resolve(str(sup)) or sup)}
    return bool(run_app_query(engine, "subclass-of", params, limit=1).rows)


# --------------------------------------------------------------------------- counts


def counts(engine: QueryEngine) -> dict[str, int]:
    """Counts of classes, properties, individuals and labels by language, as ``enforcekg stats`` gives them."""
    from .stats import COUNTS

    out = {}
    for name, text in COUNTS.items():
        result = engine.select(text, timeout=None, limit=1)
        out[name] = int(result.rows[0][0]) if result.rows and result.rows[0][0] is not None else 0
    result = engine.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=None, limit=1)
    out["triples"] = int(result.rows[0][0])
    return out
