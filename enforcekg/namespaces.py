"""The project's namespaces and the prefix block shared by queries, files and the app."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

EKG = Namespace("https://w3id.org/enforcekg/def#")
EKGID = Namespace("https://w3id.org/enforcekg/id/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")

PREFIXES = {
    "ekg": EKG,
    "ekgid": EKGID,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "schema": SCHEMA,
    "eli": ELI,
    "sh": SH,
}


def bind_prefixes(graph):
    """Bind the project's prefixes on *graph* and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def sparql_prologue() -> str:
    """The PREFIX lines for every project namespace, for free queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
