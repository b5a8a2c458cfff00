"""Run settings from the environment (docs/marts_interface.md, "How the pipeline is invoked")."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The dbt installed beside this interpreter. Looking `dbt` up on PATH fails
# whenever the environment's bin folder is not on PATH (a `.venv/bin/dagster
# dev` started without activating .venv), so every dbt call uses this one.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# The Spark environment (`make setup-spark`): its dbt (dbt-spark) and its Python
# (PySpark), which the nightly on Spark calls as subprocesses.
SPARK_BIN = PROJECT_DIR / ".venv-spark" / "bin"
DEFAULT_LANDING_DIR = PROJECT_DIR / "data" / "landing"
DEFAULT_WAREHOUSE_PATH = PROJECT_DIR / "warehouse" / "cs_analytics.duckdb"
DEFAULT_REPORT_DIR = PROJECT_DIR / "reports"
# The morning report's company-phase lens and language (README, "The morning report").
REPORT_PHASES = ("launch", "scaling", "mature")
REPORT_LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class RunSettings:
    landing_dir: Path
    warehouse_path: Path
    report_dir: Path
    reporting_timezone: str
    reporting_currency: str
    as_of_date: date
    uses_demo_landing: bool
    # Rebuild raw and every incremental model from the whole landing (FULL_REFRESH=1).
    full_refresh: bool = False
    # The HTML report's lens (REPORT_PHASE) and language (REPORT_LANG).
    report_phase: str = "scaling"
    report_lang: str = "en"
    # The profiles.yml output dbt builds on (DBT_TARGET): `duckdb` or `spark`.
    dbt_target: str = "duckdb"

    @property
    def on_spark(self) -> bool:
        """The night builds on Spark: raw copied there, marts published from there."""
        return self.dbt_target == "spark"

    @property
    def working_db_path(self) -> Path:
        """The private database dbt builds into; BI never opens it."""
        return self.warehouse_path.with_name(f"{self.warehouse_path.stem}.work.duckdb")

    def dbt_vars(self) -> dict[str, str]:
        return {
            "as_of_date": self.as_of_date.isoformat(),
            "reporting_timezone": self.reporting_timezone,
            "reporting_currency": self.reporting_currency,
        }

    def dbt_vars_json(self) -> str:
        return json.dumps(self.dbt_vars(), sort_keys=True)

    def dbt_env(self) -> dict[str, str]:
        """Environment for dbt subprocesses: profiles.yml reads these via env_var()."""
        return {"DBT_DUCKDB_PATH": str(self.working_db_path)}


def _resolve(path: str, base: Path) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate)


def load_settings(environ: dict[str, str] | None = None) -> RunSettings:
    """Settings from environment variables, with the documented defaults.

    Relative paths are taken from the current directory, as a user typing
    `LANDING_DIR=exports make run` would expect.
    """
    env = os.environ if environ is None else environ
    cwd = Path.cwd()
    timezone = env.get("REPORTING_TIMEZONE") or "UTC"
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError) as error:
        raise ValueError(f"REPORTING_TIMEZONE={timezone!r} is not an IANA time zone") from error
    as_of_text = env.get("AS_OF_DATE")
    if as_of_text:
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError as error:
            raise ValueError(f"AS_OF_DATE={as_of_text!r} is not a YYYY-MM-DD date") from error
    else:
        as_of = datetime.now(zone).date()
    currency = (env.get("REPORTING_CURRENCY") or "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValueError(f"REPORTING_CURRENCY={currency!r} is not a three-letter currency code")
    landing = env.get("LANDING_DIR")
    full_refresh_text = (env.get("FULL_REFRESH") or "0").strip().lower()
    if full_refresh_text not in ("0", "1", "true", "false", "yes", "no", ""):
        raise ValueError(f"FULL_REFRESH={full_refresh_text!r} is not 1/0, true/false or yes/no")
    phase = (env.get("REPORT_PHASE") or "scaling").strip().lower()
    if phase not in REPORT_PHASES:
        raise ValueError(f"REPORT_PHASE={phase!r} is not one of {', '.join(REPORT_PHASES)}")
    language = (env.get("REPORT_LANG") or "en").strip().lower()
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"REPORT_LANG={language!r} is not one of {', '.join(REPORT_LANGUAGES)}")
    return RunSettings(
        landing_dir=_resolve(landing, cwd) if landing else DEFAULT_LANDING_DIR,
        warehouse_path=_resolve(env["WAREHOUSE_PATH"], cwd)
        if env.get("WAREHOUSE_PATH")
        else DEFAULT_WAREHOUSE_PATH,
        report_dir=_resolve(env["REPORT_DIR"], cwd)
        if env.get("REPORT_DIR")
        else DEFAULT_REPORT_DIR,
        reporting_timezone=timezone,
        reporting_currency=currency,
        as_of_date=as_of,
        uses_demo_landing=not landing,
        full_refresh=full_refresh_text in ("1", "true", "yes"),
        report_phase=phase,
        report_lang=language,
        dbt_target=dbt_target(env),
    )


DBT_TARGETS = ("duckdb", "spark")


def dbt_target(environ: Mapping[str, str] | None = None) -> str:
    """The engine of the night, chosen in one place: DBT_TARGET (profiles.yml's output)."""
    env = os.environ if environ is None else environ
    target = (env.get("DBT_TARGET") or "duckdb").strip().lower()
    if target not in DBT_TARGETS:
        raise ValueError(f"DBT_TARGET={target!r} is not one of {', '.join(DBT_TARGETS)}")
    return target
