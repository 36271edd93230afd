"""Stack configuration, read once: stack file → typed values → stack and tenant settings → cross-checks (parse.py)."""
