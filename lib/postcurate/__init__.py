"""postcurate: consent-clean, PII-free training shards from a platform's post dumps."""

__version__ = "0.1.0"
