"""Dagster code location: landing ingestion, dbt, checks, publish, on a nightly schedule."""
