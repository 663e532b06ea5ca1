"""Saved SPARQL files: ``.rq`` text with a header of ``#+ key: value`` lines.

The header (in the decorator style of grlc) states at least the title and description; QA
queries add a severity. Keys that repeat (such as ``param``) collect into lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HEADER_LINE = re.compile(r"^#\+\s*(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
REPEATABLE = {"param", "tags", "values", "expect", "expect-includes", "expect-excludes"}


class QueryFileError(ValueError):
    """A saved query whose header is missing or malformed."""


@dataclass
class QueryFile:
    """One saved query: its name (file stem), header fields and SPARQL text."""

    name: str
    path: Path
    text: str
    header: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def description(self) -> str:
        return self.header.get("description", "")


def parse_header(text: str) -> dict:
    """The ``#+ key: value`` fields at the top of *text*."""
    header: dict = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        match = HEADER_LINE.match(stripped)
        if not match:
            if stripped.startswith("#"):
                continue
            break
        key, value = match.group("key").lower(), match.group("value")
        if key in REPEATABLE:
            header.setdefault(key, []).append(value)
        else:
            header[key] = value
    return header


def read_query_file(path: Path, required=("title", "description")) -> QueryFile:
    """Read one ``.rq`` file and check that its header has the *required* keys."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    missing = [key for key in required if not header.get(key)]
    if missing:
        raise QueryFileError(f"{path}:1: header lacks {', '.join('#+ ' + k + ':' for k in missing)}")
    return QueryFile(name=path.stem, path=path, text=text, header=header)


def read_query_dir(directory: Path, required=("title", "description")) -> list[QueryFile]:
    """Every ``.rq`` file directly in *directory*, sorted by name."""
    return [read_query_file(p, required) for p in sorted(Path(directory).glob("*.rq"))]
