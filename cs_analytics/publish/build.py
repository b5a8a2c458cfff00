"""One publish: a staged DuckDB file and Parquet folder, swapped in with one rename each.

A night's publish costs what changed since the previous build, not the
history: each mart's fingerprint (fingerprint.py) is compared with the one in
the previous build's manifest (manifest.py); unchanged marts and months are
reused (database.py, parquet.py), changed ones written. The first publish,
a full refresh, or a published file the manifest does not vouch for writes
everything.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cs_analytics.publish.database import prepare_file, publish_to_file
from cs_analytics.publish.files import clone_file, fsync, remove_leftovers, swap_symlink
from cs_analytics.publish.fingerprint import changed_parts, fingerprint_mart, mart_names
from cs_analytics.publish.manifest import (
    FileIdentity,
    PublishedBuild,
    PublishedMart,
    read_manifest,
    write_manifest,
)
from cs_analytics.publish.parquet import publish_parquet
from cs_analytics.publish.progress import MartPublished, Progress, silent
from cs_analytics.run_metadata import RunRecord, write_run_record
from cs_analytics.sql import quote_literal


@dataclass(frozen=True)
class PublishResult:
    warehouse_path: Path
    parquet_dir: Path
    rows_per_mart: dict[str, int]
    marts: list[MartPublished]
    seconds: float

    @property
    def rows_written(self) -> int:
        """Rows written into the DuckDB file tonight (the rest were reused)."""
        return sum(mart.file.rows for mart in self.marts)


@dataclass(frozen=True)
class _Previous:
    """The published build, as far as its manifest vouches for it."""

    build: PublishedBuild | None
    # The Parquet folder the symlink points at (replaced by the new one).
    folder: Path | None
    file_reusable: bool

    def mart(self, name: str) -> PublishedMart | None:
        # Without a manifest, nothing in the folder is vouched for.
        return self.build.marts.get(name) if self.build else None


def _previous(warehouse_path: Path, parquet_root: Path, full_refresh: bool) -> _Previous:
    folder = parquet_root.resolve() if parquet_root.is_symlink() else None
    build = None if full_refresh or folder is None else read_manifest(folder)
    reusable = build is not None and build.is_the_published_file(warehouse_path)
    return _Previous(build, folder, reusable)


def _explain(previous: _Previous, full_refresh: bool) -> str:
    if full_refresh:
        return "publish: full refresh, every mart is written"
    if previous.build is None:
        return "publish: no earlier build to compare with, every mart is written"
    if not previous.file_reusable:
        return (
            f"publish: the published DuckDB file is not the one build {previous.build.build_id} "
            "wrote, so every mart is written into a new file; unchanged Parquet files are reused"
        )
    return f"publish: writing what changed since build {previous.build.build_id}"


def _new_folder(warehouse_path: Path, build_id: str) -> Path:
    """The build's Parquet folder; a retry of a published run must not reuse its name."""
    base = warehouse_path.with_name(f".{warehouse_path.stem}_parquet.{build_id}")
    folder, attempt = base, 1
    while folder.exists():
        attempt += 1
        folder = base.with_name(f"{base.name}.{attempt}")
    folder.mkdir()
    return folder


def _build(
    working_db: Path,
    staged: Path,
    folder: Path,
    previous: _Previous,
    run_record: RunRecord | None,
    progress: Progress,
) -> tuple[list[MartPublished], dict[str, PublishedMart]]:
    published: list[MartPublished] = []
    manifest: dict[str, PublishedMart] = {}
    with duckdb.connect(str(staged)) as con:
        con.execute(f"attach {quote_literal(str(working_db))} as working (read_only)")
        names = mart_names(con, "working")
        prepare_file(con, names)
        for name in names:
            started = time.perf_counter()
            mart = fingerprint_mart(con, "working", name)
            before = previous.mart(name)
            changed = changed_parts(mart, before.fingerprint if before else None)
            file = publish_to_file(con, mart, changed if previous.file_reusable else None)
            parquet, files = publish_parquet(con, folder, mart, changed, before, previous.folder)
            manifest[name] = PublishedMart(mart, files)
            done = MartPublished(
                name,
                mart.rows,
                mart.partitions is not None,
                file,
                parquet,
                time.perf_counter() - started,
            )
            published.append(done)
            progress(done.describe())
        con.execute("detach working")
        if run_record is not None:
            run_record.rows_per_mart = {mart.name: mart.rows for mart in published}
            write_run_record(con, run_record)
        con.execute("checkpoint")
    return published, manifest


def publish_marts(
    working_db: Path,
    warehouse_path: Path,
    build_id: str,
    run_record: RunRecord | None = None,
    *,
    full_refresh: bool = False,
    progress: Progress = silent,
) -> PublishResult:
    """Publish schema `marts` of the working database to WAREHOUSE_PATH and its Parquet copies.

    `run_record`, when given, is published in schema `run_metadata` with the
    marts' row counts filled in. `full_refresh` writes every mart whatever the
    previous build holds. `progress` hears one line per mart.
    """
    started = time.perf_counter()
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    parquet_root = warehouse_path.with_name(f"{warehouse_path.stem}_parquet")
    remove_leftovers(warehouse_path, parquet_root)
    previous = _previous(warehouse_path, parquet_root, full_refresh)
    progress(_explain(previous, full_refresh))
    staged = warehouse_path.with_name(f".{warehouse_path.name}.{build_id}.tmp")
    staged.unlink(missing_ok=True)
    folder = _new_folder(warehouse_path, build_id)
    try:
        if previous.file_reusable:
            clone_file(warehouse_path, staged)
        published, marts = _build(working_db, staged, folder, previous, run_record, progress)
        fsync(staged)
        identity = FileIdentity.of(staged)
        assert identity is not None
        write_manifest(folder, PublishedBuild(build_id, identity, marts))
    except BaseException:
        staged.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    os.replace(staged, warehouse_path)
    swap_symlink(parquet_root, folder)
    if previous.folder and previous.folder != folder:
        shutil.rmtree(previous.folder, ignore_errors=True)
    result = PublishResult(
        warehouse_path,
        parquet_root,
        {mart.name: mart.rows for mart in published},
        published,
        time.perf_counter() - started,
    )
    progress(
        f"publish: {len(published)} marts, {sum(result.rows_per_mart.values()):,} rows, "
        f"{result.rows_written:,} of them written tonight; {result.seconds:.1f} s"
    )
    return result
