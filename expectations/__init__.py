"""Great Expectations (GX Core 1.x) suites for raw inputs and published marts."""
