"""Publishing the audited marts to the file BI tools read, atomically.

The nightly build happens in a private working database. Only after every
blocking check passed are the `marts` tables written into a staged file beside
WAREHOUSE_PATH, which then replaces the published file with one rename: a
reader sees the old marts or the new, never a mix, and a failed run leaves the
published file byte for byte as it was. The Parquet copies live in a folder
per build; a symlink that is swapped in the same way points at the current one.

A night writes only what changed: the staged file starts as a copy of the
published one and only changed marts (and, of the big daily marts, changed
months) are written into it; unchanged Parquet files are hard links to the
previous build's (build.py says how a change is found and what is reused).

Besides `marts`, the published file holds schema `run_metadata` with the
record of the run that built these marts (cs_analytics/run_metadata.py).

Readers: a BI tool holding the published file open keeps reading the inode
it opened (the old marts) and never blocks the rename; its next connection
sees the new marts. Open it read-only with external access off (README,
"Reading the warehouse from a BI tool").
"""

from cs_analytics.publish.build import PublishResult, publish_marts

__all__ = ["PublishResult", "publish_marts"]
