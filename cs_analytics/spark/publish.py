"""Write-audit-publish on Spark: each build is a new immutable Parquet folder, then one rename.

The layout is the DuckDB build's Parquet copies (cs_analytics/publish): under
WAREHOUSE_PATH's folder, `<stem>_parquet` names the live build, a folder
`.<stem>_parquet.<build_id>/` holding `<mart>.parquet` per mart, and for the
daily marts (publish.fingerprint.PARTITIONED_MARTS) one folder per month,
`<mart>/<key>=YYYY-MM/*.parquet`.

1. write (`stage`, in .venv-spark): after dbt built the marts on Spark, the
   marts are written into a new build folder nobody reads yet;
2. audit: the blocking GX mart checks read that folder (`staged_views`), the
   very files that would be published;
3. publish (`publish_staged`, no Spark): the folder is marked complete, then
   `<stem>_parquet` (a symlink) and `<stem>_parquet.current` (a one-line file
   naming the build folder, for stores without symlinks) are each replaced by
   one rename (os.replace). A reader sees the old build or the new one.

A reader that reads several marts resolves the pointer once (`realpath` of the
symlink, or the `.current` file) and reads that folder: published folders are
never written again, and the last RETAINED_BUILDS stay on disk, so a long
query started on the previous build finishes on it. A failed check never
reaches step 3: the live build stays as it was, and the next night's `stage`
deletes the abandoned folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from cs_analytics.publish.files import swap_symlink
from cs_analytics.publish.fingerprint import MARTS_SCHEMA, PARTITIONED_MARTS
from cs_analytics.sql import quote_identifier, quote_literal

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import DataFrame, SparkSession

# The live build and the one before it: a reader who resolved the pointer just
# before tonight's swap still finds its folder.
RETAINED_BUILDS = 2
PUBLISHED_MARK = "_PUBLISHED"


def parquet_root(warehouse_path: Path) -> Path:
    """`<stem>_parquet`: the symlink naming the live build (as the DuckDB publish writes it)."""
    return warehouse_path.with_name(f"{warehouse_path.stem}_parquet")


def pointer_file(warehouse_path: Path) -> Path:
    """`<stem>_parquet.current`: the live build folder's name, for readers without symlinks."""
    return warehouse_path.with_name(f"{warehouse_path.stem}_parquet.current")


def build_folder(warehouse_path: Path, build_id: str) -> Path:
    return warehouse_path.with_name(f".{warehouse_path.stem}_parquet.{build_id}")


def live_build(warehouse_path: Path) -> Path | None:
    """The folder of the published build, or None before the first publish."""
    root = parquet_root(warehouse_path)
    return root.resolve() if root.is_symlink() else None


def _build_folders(warehouse_path: Path) -> list[Path]:
    pattern = f".{warehouse_path.stem}_parquet.*"
    return [p for p in warehouse_path.parent.glob(pattern) if p.is_dir() and not p.is_symlink()]


def remove_abandoned(warehouse_path: Path) -> None:
    """Build folders never published (a failed check, a killed run): nobody reads them."""
    live = live_build(warehouse_path)
    for folder in _build_folders(warehouse_path):
        if folder != live and not (folder / PUBLISHED_MARK).exists():
            shutil.rmtree(folder, ignore_errors=True)


def _as_published(frame: DataFrame) -> DataFrame:
    """The mart in the Parquet types of the DuckDB night's copies.

    Spark's `timestamp` is an instant and goes to Parquet adjusted to UTC
    (read back as TIMESTAMP WITH TIME ZONE); the marts' timestamps are UTC
    wall-clock values (the session time zone is UTC), which DuckDB writes as
    plain timestamps: `timestamp_ntz` writes those.
    """
    columns = [
        f"cast(`{field.name}` as timestamp_ntz) as `{field.name}`"
        if field.dataType.typeName() == "timestamp"
        else f"`{field.name}`"
        for field in frame.schema.fields
    ]
    return frame.selectExpr(*columns)


def _write_mart(spark: SparkSession, folder: Path, mart: str) -> None:
    frame = _as_published(spark.table(f"{MARTS_SCHEMA}.{mart}"))
    partitions = PARTITIONED_MARTS.get(mart)
    if partitions is None:
        # Spark writes a folder of part files; the layout has one file per mart.
        scratch = folder / f".{mart}.write"
        frame.coalesce(1).write.parquet(str(scratch))
        (part,) = scratch.glob("part-*.parquet")
        part.rename(folder / f"{mart}.parquet")
        shutil.rmtree(scratch)
        return
    key = partitions.folder_key
    month = f"date_format(`{partitions.date_column}`, 'yyyy-MM')"
    # One file per month, its rows in the DuckDB copy's order (cluster_by);
    # Spark names the folder of NULL dates as DuckDB does
    # (publish.fingerprint.NULL_PARTITION, Hive's default partition).
    frame.selectExpr("*", f"{month} as `{key}`").coalesce(1).sortWithinPartitions(
        key, *partitions.cluster_by
    ).write.partitionBy(key).parquet(str(folder / mart))
    _drop_writer_files(folder / mart)


def _drop_writer_files(folder: Path) -> None:
    # Hadoop's `_SUCCESS` markers and `.crc` checksums: not part of the layout.
    for path in folder.rglob("*"):
        if path.is_file() and (path.name == "_SUCCESS" or path.name.endswith(".crc")):
            path.unlink()


def stage(spark: SparkSession, warehouse_path: Path, build_id: str, marts: list[str]) -> Path:
    """Write: the marts into the new build folder of `build_id`, which nobody reads yet."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(warehouse_path)
    folder = build_folder(warehouse_path, build_id)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for mart in marts:
        _write_mart(spark, folder, mart)
    _drop_writer_files(folder)
    return folder


def staged_marts(folder: Path) -> dict[str, str]:
    """DuckDB's read_parquet of each mart of a build folder, in the mart's own columns."""
    marts = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            pattern = str(path)
        elif path.is_dir():
            pattern = str(path / "*" / "*.parquet")
        else:
            continue
        # The month key lives in the folder name only, as in the DuckDB layout.
        marts[path.name.removesuffix(".parquet")] = (
            f"read_parquet({quote_literal(pattern)}, hive_partitioning = false)"
        )
    return marts


def staged_views(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """Views `marts.<mart>` over a build folder, for the audit's queries; their names."""
    con.execute(f"create schema if not exists {MARTS_SCHEMA}")
    for mart, source in staged_marts(folder).items():
        con.execute(
            f"create or replace view {MARTS_SCHEMA}.{quote_identifier(mart)} as "
            f"select * from {source}"
        )
    return list(staged_marts(folder))


def _replace_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text)
    os.replace(temporary, path)


def publish_staged(warehouse_path: Path, build_id: str) -> Path:
    """Publish: the staged build becomes the live one with one rename per pointer."""
    folder = build_folder(warehouse_path, build_id)
    if not folder.is_dir():
        raise FileNotFoundError(f"no staged build {build_id} at {folder}")
    (folder / PUBLISHED_MARK).write_text(f"{build_id}\n")
    swap_symlink(parquet_root(warehouse_path), folder)
    _replace_text(pointer_file(warehouse_path), f"{folder.name}\n")
    _prune_published(warehouse_path, folder)
    return folder


def _prune_published(warehouse_path: Path, live: Path) -> None:
    published = [f for f in _build_folders(warehouse_path) if (f / PUBLISHED_MARK).exists()]
    published.sort(key=lambda f: (f / PUBLISHED_MARK).stat().st_mtime_ns, reverse=True)
    for folder in published[RETAINED_BUILDS:]:
        if folder != live:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """`stage`: write the Spark marts into the build folder of --build-id (in .venv-spark)."""
    from cs_analytics.spark.session import add_profile_arguments, spark_conf, spark_session

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-path", type=Path, required=True)
    parser.add_argument("--build-id", required=True)
    parser.add_argument("--mart", action="append", required=True, help="a table of schema marts")
    add_profile_arguments(parser)
    args = parser.parse_args(argv)
    with spark_session(spark_conf(args.profiles_dir, args.target)) as spark:
        print(stage(spark, args.warehouse_path, args.build_id, args.mart))


if __name__ == "__main__":
    main()
