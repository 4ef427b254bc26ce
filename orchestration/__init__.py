"""Dagster wiring: assets for each step of a refresh, their checks and the schedule.
The steps themselves live in pipelines/ (ingestion) and socialkpi/ (build, publish)."""
