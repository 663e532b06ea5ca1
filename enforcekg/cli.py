"""The ``enforcekg`` command line.

Each sub-command lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``. Exit codes follow pySHACL: 0 success, 1 problems found (violations,
QA errors), 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

# name -> (module, one-line help)
COMMANDS = {
    "check": ("enforcekg.check", "run the quality checks in queries/qa over the shipped graph"),
    "build": ("enforcekg.build", "turn the CSV templates in data/templates into Turtle"),
    "stats": ("enforcekg.stats", "count what the graph holds"),
    "validate": ("enforcekg.validate", "validate case files (Turtle, JSON-LD, CSV) against the shapes"),
    "query": ("enforcekg.query", "list, show and run the saved queries"),
    "sparql": ("enforcekg.sparql", "run a free, read-only SPARQL query"),
    "assess": ("enforcekg.assess", "assess matters: route, court, deadlines, risks, remedies"),
    "publish": ("enforcekg.publish", "load the graph into a SPARQL 1.1 server"),
    "docs": ("enforcekg.docs", "write HTML documentation of the ontology and shapes"),
    "diff": ("enforcekg.diff", "report the terms changed between two versions of the ontology"),
    "release": ("enforcekg.release", "check that no released term was deleted; --write snapshots the term list"),
    "reason-dl": ("enforcekg.dl_reasoner", "check consistency and unsatisfiable classes with HermiT (OWL 2 DL)"),
}


def _available_commands():
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # not built yet
            raise
        yield name, module, help_text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enforcekg",
        description="A knowledge graph of enforcement of judgments and arbitral awards in Mainland China.",
    )
    parser.add_argument("--version", action="version", version=f"enforcekg {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in _available_commands():
        sub = subparsers.add_parser(name, help=help_text, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
