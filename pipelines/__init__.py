"""Ingestion: export files -> recognised shape -> canonical raw rows with lineage (dlt -> DuckDB).

Runs without Dagster or the CLI:
`python -m pipelines --exports ./exports --warehouse ./warehouse/socialkpi.duckdb`.
"""
