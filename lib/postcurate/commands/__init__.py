"""CLI commands that live in their own modules; ``postcurate.cli`` registers the ones that are present."""
