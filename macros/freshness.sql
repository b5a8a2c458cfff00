{#
    Source freshness is measured against the run's as-of instant, not the
    wall clock (docs/metrics.md, Time): rerunning a past night judges the landing
    as that night would have. `max_loaded_at` is compared in UTC.
    A source's `loaded_at_field` names a landing column, read as staging reads
    it (landing_timestamp: CSV text or a typed Parquet value, on any engine).
#}
{% macro default__collect_freshness(source, loaded_at_field, filter) %}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            max({{ cs_analytics.landing_timestamp(loaded_at_field) }}) as max_loaded_at,
            {{ cs_analytics.as_of_instant() }} as snapshotted_at
        from {{ source }}
        {% if filter %}
        where {{ filter }}
        {% endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}
