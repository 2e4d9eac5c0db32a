"""The performance dashboard's domain: catalogue, rules, scorecard, SPC and storage.

Nothing here imports Streamlit: the pages, the command line and the tests all
call the same functions.
"""
