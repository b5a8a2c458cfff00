"""Asset keys shared by the landing assets and the dbt sources that read them."""

from dagster import AssetKey

from cs_analytics.landing.contract import TABLES

LANDING_AUDIT_TABLES = ("landing_files", "landing_rejected_lines")


def raw_asset_key(source_name: str, table_name: str) -> AssetKey:
    return AssetKey(["raw", source_name, table_name])


RAW_TABLE_KEYS = {table.path: raw_asset_key(table.system, table.name) for table in TABLES}
LANDING_AUDIT_KEYS = {name: raw_asset_key("landing", name) for name in LANDING_AUDIT_TABLES}
