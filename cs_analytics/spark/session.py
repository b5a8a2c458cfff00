"""The Spark session dbt-spark's session method would start, for code running beside dbt.

dbt-spark (method `session`) builds its SparkSession in-process from the
profile output's `server_side_parameters`. Code that reads or writes the same
tables outside dbt (cs_analytics/spark/raw_copy.py, parquet_export.py) builds
its session from the same rendered profile, so it sees the metastore and
warehouse folder dbt uses. The session method's Derby metastore admits one
process at a time: never while a dbt command runs on the same scratch folder.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PROFILE_NAME = "cs_analytics"


class SparkSetupError(Exception):
    """The profile or environment does not allow a local Spark session."""


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that locate the Spark output of profiles.yml (`spark_conf`'s arguments)."""
    parser.add_argument(
        "--profiles-dir",
        type=Path,
        default=Path(os.environ.get("DBT_PROFILES_DIR", ".")),
        help="folder of profiles.yml (default: DBT_PROFILES_DIR, else the current folder)",
    )
    parser.add_argument("--target", default="spark", help="the profile's Spark output")


def spark_conf(profiles_dir: Path, target: str) -> dict[str, str]:
    """The Spark session settings of the profile's `target` output, as dbt renders them.

    dbt-spark's session method builds its SparkSession from these: a session
    with the same settings reads and writes the metastore and warehouse
    folder that dbt uses.
    """
    from dbt.adapters.spark.connections import SparkConnectionMethod, SparkCredentials
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(dict(os.environ))
    raw_profiles = read_profile(str(profiles_dir))
    if PROFILE_NAME not in raw_profiles:
        raise SparkSetupError(f"no profile {PROFILE_NAME} in {profiles_dir}/profiles.yml")
    _, output = Profile.render_profile(
        raw_profiles[PROFILE_NAME], PROFILE_NAME, target, ProfileRenderer({})
    )
    if output.get("type") != "spark":
        raise SparkSetupError(f"profile output {target} is of type {output.get('type')}, not spark")
    settings: dict[str, Any] = {k: v for k, v in output.items() if k not in ("type", "threads")}
    credentials = SparkCredentials.from_dict(settings)
    if credentials.method != SparkConnectionMethod.SESSION:
        raise SparkSetupError(
            f"profile output {target} uses method {credentials.method}: a local Spark "
            "session needs the session method"
        )
    return dict(credentials.server_side_parameters)


@contextmanager
def spark_session(conf: dict[str, str]) -> Iterator[SparkSession]:
    """A SparkSession with Hive support (the metastore dbt-spark uses), stopped on exit."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    # Spark's INFO/WARN lines would bury the caller's own output.
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
