"""File operations of publishing: cloning, fsync, the symlink swap, leftovers of dead builds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def clone_file(source: Path, target: Path) -> None:
    """A copy of `source` at `target`, as cheaply as the filesystem allows.

    copy_file_range lets the kernel copy without a trip through user space, and
    share the blocks outright (a reflink) on filesystems that can (Btrfs, XFS,
    NFS server-side copy). Writing to the copy never touches `source`.
    """
    if not hasattr(os, "copy_file_range"):
        shutil.copyfile(source, target)
        return
    with source.open("rb") as src, target.open("wb") as dst:
        remaining = os.fstat(src.fileno()).st_size
        try:
            while remaining > 0:
                copied = os.copy_file_range(src.fileno(), dst.fileno(), remaining)
                if copied == 0:
                    break
                remaining -= copied
        except OSError:
            # Not supported between these filesystems: an ordinary copy.
            src.seek(0)
            dst.seek(0)
            dst.truncate()
            shutil.copyfileobj(src, dst, length=16 * 1024 * 1024)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def link_file(source: Path, target: Path) -> None:
    """`target` names the same file as `source` (a hard link): no byte is copied.

    Only for files never written again once published (the Parquet copies).
    Where the filesystem has no hard links (some network shares), a copy
    that keeps the modification time, so the manifest still vouches for it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def swap_symlink(link: Path, target: Path) -> None:
    """Point `link` at `target` (a sibling) with one rename."""
    temporary = link.with_name(f".{link.name}.new")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target.name)
    os.replace(temporary, link)


def remove_leftovers(warehouse_path: Path, parquet_root: Path) -> None:
    """Staging files and Parquet folders of builds that died before their rename.

    Never the published ones: the Parquet folder the symlink points at stays.
    """
    for leftover in warehouse_path.parent.glob(f".{warehouse_path.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)
    current = parquet_root.resolve() if parquet_root.is_symlink() else None
    for folder in warehouse_path.parent.glob(f".{parquet_root.name}.*"):
        if folder.is_dir() and folder.resolve() != current:
            shutil.rmtree(folder, ignore_errors=True)
