"""Count what the graph holds: classes, properties, individuals, triples, labels by language."""

from __future__ import annotations

import json

from rdflib import Graph

from .load import load_knowledge_graph

COUNTS = {
    "classes": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a owl:Class . FILTER(STRSTARTS(STR(?t), STR(ekg:))) }",
    "object properties": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a owl:ObjectProperty . FILTER(STRSTARTS(STR(?t), STR(ekg:))) }",
    "datatype properties": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a owl:DatatypeProperty . FILTER(STRSTARTS(STR(?t), STR(ekg:))) }",
    "individuals": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a ?c . FILTER(STRSTARTS(STR(?t), STR(ekgid:))) }",
    "English labels": "SELECT (COUNT(*) AS ?n) WHERE { ?t rdfs:label ?l . FILTER(LANGMATCHES(LANG(?l), 'en')) }",
    "Chinese labels": "SELECT (COUNT(*) AS ?n) WHERE { ?t rdfs:label ?l . FILTER(LANGMATCHES(LANG(?l), 'zh')) }",
}


def graph_statistics(graph: Graph | None = None) -> dict[str, int]:
    """Counts of the project's terms in *graph* (the shipped graph by default)."""
    graph = graph if graph is not None else load_knowledge_graph(copy=False)
    stats = {name: int(next(iter(graph.query(query)))[0]) for name, query in COUNTS.items()}
    stats["triples"] = len(graph)
    return stats


def add_arguments(parser):
    parser.add_argument("--format", choices=("human", "json"), default="human")


def run(args) -> int:
    stats = graph_statistics()
    if args.format == "json":
        print(json.dumps(stats, indent=2))
    else:
        for name, value in stats.items():
            print(f"{name:>20}: {value}")
    return 0
