"""The manifest of a published build: what the next night may reuse of it.

Each build's Parquet folder holds `_publish_manifest.json`, written before the
build is swapped in and never changed after: every mart's fingerprint
(cs_analytics/publish/fingerprint.py), the Parquet files of each of its parts,
and the identity (device, inode, size, modification time) of the DuckDB file
published with it.

The next night trusts the manifest only as far as it can check it:
- the published DuckDB file is reused only if it is still that very file (a
  night that died between the file's rename and the Parquet swap, or a file
  copied or written since, has another identity: everything is rewritten);
- a Parquet file is reused only if its size and modification time are the
  recorded ones;
- a manifest of another DuckDB version is not compared (row hashes may differ).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from cs_analytics.publish.fingerprint import MartFingerprint, MonthlyPartitions, Part

MANIFEST_NAME = "_publish_manifest.json"
_FORMAT = 1


@dataclass(frozen=True)
class FileIdentity:
    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class PublishedFile:
    """A Parquet file of a build, relative to the build's folder."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, folder: Path, path: Path) -> PublishedFile:
        stat = path.stat()
        return cls(path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns)

    def is_intact(self, folder: Path) -> bool:
        try:
            stat = (folder / self.path).stat()
        except FileNotFoundError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True)
class PublishedMart:
    fingerprint: MartFingerprint
    # The Parquet files of each part.
    files: dict[str, list[PublishedFile]]


@dataclass(frozen=True)
class PublishedBuild:
    build_id: str
    warehouse: FileIdentity
    marts: dict[str, PublishedMart]

    def is_the_published_file(self, warehouse_path: Path) -> bool:
        return FileIdentity.of(warehouse_path) == self.warehouse


def write_manifest(folder: Path, build: PublishedBuild) -> None:
    document = {
        "format": _FORMAT,
        "duckdb_version": duckdb.__version__,
        "build_id": build.build_id,
        "warehouse": asdict(build.warehouse),
        "marts": {
            name: {
                "shape": mart.fingerprint.shape,
                "partitions": asdict(mart.fingerprint.partitions)
                if mart.fingerprint.partitions
                else None,
                "parts": {
                    key: {
                        "rows": part.rows,
                        "content": part.content,
                        "files": [asdict(file) for file in mart.files.get(key, [])],
                    }
                    for key, part in sorted(mart.fingerprint.parts.items())
                },
            }
            for name, mart in sorted(build.marts.items())
        },
    }
    path = folder / MANIFEST_NAME
    with path.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())


def _partitions(entry: dict) -> MonthlyPartitions:
    # JSON has lists where the dataclass, compared with the current one, has tuples.
    return MonthlyPartitions(**{**entry, "cluster_by": tuple(entry["cluster_by"])})


def _published_mart(name: str, entry: dict) -> PublishedMart:
    partitions = _partitions(entry["partitions"]) if entry["partitions"] else None
    parts = {key: Part(part["rows"], part["content"]) for key, part in entry["parts"].items()}
    files = {
        key: [PublishedFile(**file) for file in part["files"]]
        for key, part in entry["parts"].items()
    }
    return PublishedMart(MartFingerprint(name, entry["shape"], partitions, parts), files)


def read_manifest(folder: Path) -> PublishedBuild | None:
    """The manifest of the build in `folder`; None when there is none this DuckDB can compare."""
    try:
        document = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if document.get("format") != _FORMAT or document.get("duckdb_version") != duckdb.__version__:
        return None
    try:
        return PublishedBuild(
            document["build_id"],
            FileIdentity(**document["warehouse"]),
            {name: _published_mart(name, entry) for name, entry in document["marts"].items()},
        )
    except (KeyError, TypeError):
        return None
