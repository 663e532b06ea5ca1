"""Find terms by label: the English or Chinese labels and synonyms containing a text, ranked
(exact label, then label start, then word start, then anywhere); a CURIE or IRI finds its term."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from .explore import LANGS, Named, fold, record_labels, resolve, run_app_query
from .explore_term import term_page
from .query import ParameterError
from .store import QueryEngine


@dataclass
class TermHit(Named):
    """One search result."""

    term: URIRef
    labels: dict
    kind: str
    classes: str
    matched: str
    matched_lang: str | None
    rank: tuple = ()
    classes_zh: str = ""

    def kind_label(self, lang: str = "en") -> str:
        """The term's most specific classes in *lang* (or its kind, for classes and properties)."""
        return (self.classes_zh if lang == "zh" and self.classes_zh else self.classes) or self.kind


def _rank(needle: str, match: str) -> int:
    hay = fold(match)
    if hay == needle:
        return 0
    if hay.startswith(needle):
        return 1
    if re.search(r"(^|[\s(:：/])" + re.escape(needle), hay):
        return 2
    return 3


def search_terms(engine: QueryEngine, text: str, lang: str | None = None, limit: int = 50) -> list[TermHit]:
    """Terms whose label or synonym contains *text*, best first (at most *limit*).

    *lang* (``en`` or ``zh``) restricts the labels searched. A CURIE or IRI of a term puts that
    term first. Empty text finds nothing.
    """
    needle = fold(text)
    if not needle:
        return []
    params = {"text": needle}
    if lang in LANGS:
        params["lang"] = lang
    hits: dict = {}
    direct = resolve(text)
    if direct is not None:
        page = term_page(engine, direct)
        if page.exists:
            hits[direct] = TermHit(direct, page.labels, page.kind, " · ".join(l.label() for l in page.classes),
                                   page.curie, None, (-1, 0, ""), " · ".join(l.label("zh") for l in page.classes))
    try:
        result = run_app_query(engine, "search-terms", params, limit=5000)
    except ParameterError:
        result = None
    for record in (result.records() if result is not None else []):
        term = record["term"]
        match = record["match"]
        rank = (_rank(needle, str(match)), len(str(match)), str(match).lower())
        if term in hits and hits[term].rank <= rank:
            continue
        hits[term] = TermHit(term, record_labels(record), str(record.get("kind", "")), str(record.get("classes", "")),
                             str(match), getattr(match, "language", None), rank, str(record.get("classesZh", "")))
    ordered = sorted(hits.values(), key=lambda h: (h.rank, h.label("en").lower()))
    return ordered[:limit]
