{#
    A view: the events are the one table that grows with the history, and
    every reader of this model takes a slice of it (the usage rollups read
    only the days a night recomputes), so the attribution is computed where
    it is read instead of copying every event again each night.
#}
{{ config(materialized='view') }}

{{ attributed_account_fact('stg_usage__events') }}
