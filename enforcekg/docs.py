"""Write browsable HTML documentation of the ontology, the knowledge base and the SHACL shapes.

``enforcekg docs OUT_DIR`` writes ``index.html`` (the ontology header, a search box that finds
terms by English or Chinese label, alternative label or CURIE, the class tree, the properties,
the individuals of each class and the shapes), one page per term under ``ekg/`` and ``id/``,
and ``shapes.html``. Each term page shows both labels, the definition, notes, sources (linked
to the pages of the guide sections and statute articles), super- and subclasses, the
properties whose domain or range is the class, its individuals, every other statement, the
terms that refer to it, and the shapes of ``ontology/shapes`` that target or mention it.
Pages are static, use no scripts beyond the inline search, and work from ``file://``.

Why not pyLODE: the current release (3.4.1) fails on import when installed from PyPI (it reads a
``pyproject.toml`` the wheel does not ship, RDFLib/pyLODE#260). 3.3.4 runs offline on our
graph, but it runs the English and Chinese labels together into one heading with no
language marking, links sources to their (not yet resolvable) IRIs instead of to pages about the
guide section or article, documents neither the SHACL shapes nor the individuals of each class,
and has no search. So this small generator uses ``string.Template`` and ``html.escape`` and
needs no dependency beyond rdflib.

This module is the command; :mod:`enforcekg.docs_model` collects what the pages show,
:mod:`enforcekg.docs_html` renders the fragments, :mod:`enforcekg.docs_pages` assembles the
pages, and ``docs_assets`` holds the page frame, the stylesheet and the search script.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

from .docs_html import asset
from .docs_pages import Docs
from .load import GraphLoadError, load_files, load_knowledge_graph
from .namespaces import bind_prefixes
from .paths import SHAPES_DIR

MARKER = ".enforcekg-docs"


def build_docs(graph: Graph, shapes: Graph | None, out_dir: Path) -> list[Path]:
    """Write the documentation of *graph* and *shapes* into *out_dir*; return the files written."""
    out_dir = Path(out_dir)
    docs = Docs(graph, shapes)
    if (out_dir / MARKER).exists():  # clear our own earlier output so removed terms leave no stale page
        for sub in ("ekg", "id"):
            for old in (out_dir / sub).glob("*.html"):
                old.unlink()
    (out_dir / "ekg").mkdir(parents=True, exist_ok=True)
    (out_dir / "id").mkdir(parents=True, exist_ok=True)
    written = []

    def write(relative: str, text: str):
        path = out_dir / relative
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write(MARKER, "written by enforcekg docs; pages here are regenerated\n")
    write("style.css", asset("style.css"))
    write("index.html", docs.index_page())
    write("shapes.html", docs.shapes_page())
    for term in docs.terms:
        write(docs.page_path(term), docs.term_page(term))
    return written


def load_shapes(paths=None) -> Graph:
    """The shapes graph of *paths* (default: the shipped ``ontology/shapes/*.ttl``)."""
    paths = list(paths) if paths is not None else sorted(SHAPES_DIR.glob("*.ttl"))
    return load_files(paths) if paths else bind_prefixes(Graph())


def add_arguments(parser):
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="directory to write the HTML into")
    parser.add_argument("--input", nargs="+", type=Path, metavar="FILE",
                        help="document these Turtle files instead of the shipped graph")
    parser.add_argument("--shapes", nargs="+", type=Path, metavar="FILE",
                        help="shape files to document (default: ontology/shapes/*.ttl)")


def run(args) -> int:
    try:
        graph = load_files(args.input) if args.input else load_knowledge_graph()
        shapes = load_shapes(args.shapes)
    except (GraphLoadError, OSError) as exc:
        print(f"enforcekg docs: {exc}", file=sys.stderr)
        return 2
    written = build_docs(graph, shapes, args.out_dir)
    pages = sum(1 for p in written if p.suffix == ".html")
    print(f"wrote {pages} pages to {args.out_dir} (open {args.out_dir / 'index.html'})")
    return 0
