"""Running the project on Spark through dbt-spark (the session method, in .venv-spark)."""
