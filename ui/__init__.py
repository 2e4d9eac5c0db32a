"""Streamlit glue shared by the page scripts: cached loaders and presentation tables."""
