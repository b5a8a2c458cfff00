"""The Parquet copy of each mart in a new build folder, reusing the previous build's files.

A mart is `<mart>.parquet`; a partitioned mart (fingerprint.PARTITIONED_MARTS)
is one folder per month, `<mart>/<key>=YYYY-MM/*.parquet`, so one new day
rewrites one month. A part whose rows are those of the previous build is not
written again: its files are hard-linked from the previous build's folder
(published files are never written to, so the two builds can share them).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cs_analytics.publish.files import link_file
from cs_analytics.publish.fingerprint import MARTS_SCHEMA, WHOLE, MartFingerprint
from cs_analytics.publish.manifest import PublishedFile, PublishedMart
from cs_analytics.publish.progress import PartsWritten
from cs_analytics.sql import quote_identifier, quote_literal

PartFiles = dict[str, list[PublishedFile]]


def _reusable(
    mart: MartFingerprint,
    changed: set[str] | None,
    previous: PublishedMart | None,
    previous_folder: Path | None,
) -> PartFiles:
    if changed is None or previous is None or previous_folder is None:
        return {}
    return {
        key: previous.files[key]
        for key in mart.parts.keys() - changed
        if previous.files.get(key)
        and all(file.is_intact(previous_folder) for file in previous.files[key])
    }


def _write(
    con: duckdb.DuckDBPyConnection, folder: Path, mart: MartFingerprint, keys: set[str]
) -> PartFiles:
    source = f"working.{MARTS_SCHEMA}.{quote_identifier(mart.name)}"
    if mart.partitions is None:
        target = folder / f"{mart.name}.parquet"
        con.execute(f"copy {source} to {quote_literal(str(target))} (format parquet)")
        return {WHOLE: [PublishedFile.of(folder, target)]}
    mart_folder = folder / mart.name
    key = mart.key_sql()
    only = "" if keys == mart.parts.keys() else f" where list_contains($keys, {key})"
    folder_key = quote_identifier(mart.partitions.folder_key)
    con.execute(
        f"copy (select *, {key} as {folder_key} from {source}{only} "
        f"{mart.partitions.order_sql()}) "
        f"to {quote_literal(str(mart_folder))} (format parquet, partition_by ({folder_key}))",
        {"keys": sorted(keys)} if only else {},
    )
    written: PartFiles = {}
    for part in keys:
        files = sorted((mart_folder / f"{mart.partitions.folder_key}={part}").glob("*.parquet"))
        if not files:
            raise RuntimeError(f"publish {mart.name}: no Parquet file was written for {part}")
        written[part] = [PublishedFile.of(folder, file) for file in files]
    return written


def publish_parquet(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    mart: MartFingerprint,
    changed: set[str] | None,
    previous: PublishedMart | None,
    previous_folder: Path | None,
) -> tuple[PartsWritten, PartFiles]:
    """Write the parts of `mart` that `changed` (all when None) into `folder`; link the rest.

    `con` has the working database attached as `working`.
    """
    reused = _reusable(mart, changed, previous, previous_folder)
    to_write = set(mart.parts) - set(reused)
    if mart.partitions is not None:
        (folder / mart.name).mkdir(exist_ok=True)
    files = _write(con, folder, mart, to_write) if to_write else {}
    if reused:
        assert previous_folder is not None
        for published in reused.values():
            for file in published:
                link_file(previous_folder / file.path, folder / file.path)
        files.update(reused)
    rows = sum(mart.parts[key].rows for key in to_write)
    return PartsWritten(len(mart.parts), len(to_write), rows), files
