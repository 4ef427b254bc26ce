"""socialkpi: native social-media export files -> DuckDB warehouse -> KPI marts -> published copy."""
