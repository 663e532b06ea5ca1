"""Every concept of the team's glossary can be found by its English and by its Chinese term."""

import csv
import re
from pathlib import Path

import pytest
from rdflib.namespace import RDFS, SKOS

GLOSSARY = Path(__file__).resolve().parents[2] / "shared" / "glossary-zh.tsv"
ROWS = list(csv.DictReader(GLOSSARY.open(encoding="utf-8"), delimiter="\t")) if GLOSSARY.exists() else []


def _variants(term: str, separators: str) -> list[str]:
    """The parts of a glossary cell: 'A / B' and 'A（B）' name the same concept."""
    return [part.strip().lower() for part in re.split(separators, term) if part.strip()]


@pytest.fixture(scope="module")
def labels(shipped_graph):
    return [str(o).lower() for p in (RDFS.label, SKOS.altLabel) for o in shipped_graph.objects(None, p)]


@pytest.mark.skipif(not ROWS, reason="shared/glossary-zh.tsv is not beside the repository")
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["english"])
def test_glossary_term_is_findable(row, labels):
    english = _variants(re.sub(r"\s*\(.*?\)", "", row["english"]), r"/")
    chinese = _variants(row[next(k for k in row if k.startswith("chinese"))], r"[／/（）()《》]")
    assert any(v in label for v in english for label in labels), f"no label contains {english}"
    assert any(v in label for v in chinese for label in labels), f"no label contains {chinese}"
