"""`make bench`: the MRR chain of the dbt project against a plain DuckDB query, same data.

The issue this answers: an MRR chain built as an account × month spine joined
back to the item versions with inequality joins grows with accounts × months ×
versions and took minutes at 100 k accounts, where one query that expands each
item version into the months it is paid in and aggregates takes about a
second. Our models must stay within a small factor (target ≤ 3×) of that plain
query, so this tool times both in one process on one synthetic landing and
prints the ratio, and checks that both give the same MRR to the cent (a fast
wrong answer would be no answer).

The parts, in the order a run uses them:

* `catalog`, `lifecycles`, `tables`, `landing`: the synthetic landing;
* `reference`: the plain query and the MRR totals it gives;
* `pipeline`: ingestion and the dbt builds of the chain;
* `timing`: wall and CPU seconds of a step;
* `run`: one size end to end, and whether the two sides agree;
* `report`: the printed table; `cli`: the command line.

Usage: python -m cs_devtools.benchmark [--accounts 100000 [--accounts 1000000]]
       [--months 60] [--seed 42] [--keep DIR]
"""
