"""The run's settings as a Dagster resource, resolved when a run starts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource, InitResourceContext

from cs_analytics.run_lock import nightly_lock
from cs_analytics.settings import RunSettings, load_settings


class PipelineSettings(ConfigurableResource):
    """Overrides of the environment settings; empty fields fall back to the environment.

    Resolution happens per run, not at import, so a long-running `dagster dev`
    computes each night's default AS_OF_DATE afresh.
    """

    landing_dir: str = ""
    warehouse_path: str = ""
    report_dir: str = ""
    reporting_timezone: str = ""
    reporting_currency: str = ""
    as_of_date: str = ""
    report_phase: str = ""
    report_lang: str = ""
    demo_accounts: int = 500

    def resolve(self) -> RunSettings:
        overrides = {
            "LANDING_DIR": self.landing_dir,
            "WAREHOUSE_PATH": self.warehouse_path,
            "REPORT_DIR": self.report_dir,
            "REPORTING_TIMEZONE": self.reporting_timezone,
            "REPORTING_CURRENCY": self.reporting_currency,
            "AS_OF_DATE": self.as_of_date,
            "REPORT_PHASE": self.report_phase,
            "REPORT_LANG": self.report_lang,
        }
        environ = dict(os.environ)
        environ.update({key: value for key, value in overrides.items() if value})
        return load_settings(environ)


class NightlyLock(ConfigurableResource):
    """Held for the whole run (resources live as long as the in-process run).

    A second nightly on the same warehouse fails at start-up with a message
    naming the lock, instead of colliding with the first on DuckDB's lock.
    """

    settings: PipelineSettings

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[NightlyLock]:
        with nightly_lock(self.settings.resolve().warehouse_path):
            yield self
