"""The build: dbt run in-process on the warehouse (dbt_runner), what a refresh must rebuild
(runstate), and how one bad file is taken out instead of failing the night (isolation)."""
