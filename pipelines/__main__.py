"""Run ingestion alone, without the CLI or Dagster: `python -m pipelines --exports DIR --warehouse FILE`."""

import argparse
from pathlib import Path

from pipelines.load import load_exports
from pipelines.paths import pipelines_dir_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exports", required=True, help="exports folder or fsspec URL")
    parser.add_argument("--warehouse", required=True, type=Path, help="DuckDB warehouse file")
    args = parser.parse_args()
    warehouse = args.warehouse.resolve()
    report = load_exports(args.exports, warehouse, pipelines_dir_for(warehouse), progress=print)
    print(f"{len(report.loaded_now)} files loaded, {len(report.refused)} refused")
    for table, rows in sorted(report.rows_by_table.items()):
        print(f"  {table}: +{rows} rows")


if __name__ == "__main__":
    main()
