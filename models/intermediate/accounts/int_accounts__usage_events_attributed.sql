{#
    A view: the events are the one table that grows with the history, and
    every reader of this model takes a slice of it (the usage rollups read
    only the days a night recomputes), so the attribution is computed where
    it is read instead of copying every event again each night.

    Its tests read the rows staged tonight only (night_scoped_tests): a row
    is one staged event joined to int_accounts__merge_map on its key. So an
    event id repeated between a kept row and tonight's is repeated in
    stg_usage__events, whose night's unique test compares tonight's ids with
    every kept one; and a kept row can break the other tests only through
    the merge map, whose own unique and not_null tests read it whole every
    night.
#}
{{ config(materialized='view', meta={'night_scoped_tests': true}) }}

{{ attributed_account_fact('stg_usage__events') }}
