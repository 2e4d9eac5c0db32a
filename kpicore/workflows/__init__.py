"""Workflows on top of the rules, the files and the store: submitting figures (plan, preview, commit)."""
