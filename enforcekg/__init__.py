"""enforcekg: a knowledge graph of how judgments and arbitral awards are enforced in Mainland China."""

__version__ = "0.1.0"
