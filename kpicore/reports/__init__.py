"""What people read, assembled from a ``Snapshot`` by pure functions: the scorecard, one
measure's history and chart, the overview, the returns still missing, the About tables."""
