"""Development tools beside the nightly: the synthetic demo company and the MRR benchmark.

Nothing here runs on real exports. `cs_analytics` (ingestion, publishing,
the report) never imports this package; the Dagster code location does so
only to write the demo landing when no LANDING_DIR is set.
"""
