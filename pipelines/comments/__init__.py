"""Comments: the platforms' comment APIs (or their recorded answers, replayed) -> pseudonymised,
redacted rows with their language and tone (dlt -> DuckDB `raw_comments`)."""
