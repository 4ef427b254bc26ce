"""Names used across the wiring, defined once."""

# Every step that writes the DuckDB warehouse runs in this pool; dagster.yaml limits pools to
# one concurrent step, because DuckDB allows one writer process at a time.
WAREHOUSE_POOL = "warehouse"
REFRESH_JOB = "nightly_refresh"
# dagster.yaml's run queue lets one run with this tag run at a time.
RUN_QUEUE_TAG = ("socialkpi/writes", "warehouse")
EXPORTS_SENSOR = "new_exports"
ALERT_SENSOR = "alert_on_failed_run"
NIGHTLY_SCHEDULE = "nightly_refresh_schedule"
