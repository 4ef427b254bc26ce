"""Names used across the wiring, defined once."""

# Every step that writes the DuckDB warehouse runs in this pool; dagster.yaml limits pools to
# one concurrent step, because DuckDB allows one writer process at a time.
WAREHOUSE_POOL = "warehouse"
REFRESH_JOB = "nightly_refresh"
