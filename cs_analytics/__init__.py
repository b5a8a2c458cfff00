"""Customer Success analytics: landing ingestion, demo data and publishing."""
