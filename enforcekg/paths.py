"""Where the project's files live."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
RULES_DIR = ONTOLOGY_DIR / "rules"
DATA_DIR = ROOT / "data"
EXAMPLES_DIR = DATA_DIR / "examples"
TEMPLATES_DIR = DATA_DIR / "templates"
GENERATED_DIR = DATA_DIR / "generated"
QUERIES_DIR = ROOT / "queries"
QA_DIR = QUERIES_DIR / "qa"
