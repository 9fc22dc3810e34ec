"""Click commands that live in their own modules; ``postcurate.cli`` registers them."""
