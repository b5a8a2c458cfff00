{#
    Snapshots on Spark tables that cannot MERGE (Parquet, this project's file
    format: dbt_project.yml).

    dbt-spark's snapshot materialization closes changed versions with MERGE,
    which only Delta, Iceberg and Hudi tables take, and refuses any other
    format; their jars are not part of a plain Spark install. This one keeps
    dbt's snapshot semantics by reusing dbt's own pieces: the strategy
    (check or timestamp, hard_deletes), the first build
    (build_snapshot_table) and the staging rows of inserts, updates and
    deletes (snapshot_staging_table, the same query DuckDB's snapshot runs).
    It applies them as dbt's MERGE does (spark__snapshot_merge_sql): a
    current version whose dbt_scd_id has an update or delete gets its
    dbt_valid_to, an insert whose dbt_scd_id is not recorded yet is added.
    Instead of updating rows in place it writes the whole merged history into
    a new table, then copies it over the snapshot with `insert overwrite`:
    the snapshot keeps its identity (location, grants, comments), and until
    the merged table is complete nothing has touched it.

    Only snapshots configured with a file format that cannot MERGE come here:
    with file_format delta, iceberg or hudi, dbt-spark's own materialization
    runs unchanged. On Databricks, dbt-databricks' snapshot materialization
    (adapter 'databricks', more specific than 'spark') applies in any case.
#}
{% materialization snapshot, adapter='spark' %}

  {%- if (config.get('file_format') or 'parquet') in ['delta', 'iceberg', 'hudi'] -%}
    {{ return(dbt.materialization_snapshot_spark()) }}
  {%- endif -%}

  {%- set target_table = model.get('alias', model.get('name')) -%}
  {%- set strategy_name = config.get('strategy') -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(
        model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

      {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
      {% set final_sql = create_table_as(False, target_relation, build_sql) %}

  {% else %}

      {% set columns = config.get("snapshot_table_column_names")
          or get_snapshot_table_column_names() %}

      {{ adapter.assert_valid_snapshot_target_given_strategy(target_relation, columns, strategy) }}

      {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}

      {% set remove_columns = ['dbt_change_type', 'dbt_unique_key'] %}
      {% if strategy.unique_key | is_list %}
          {% for key in strategy.unique_key %}
              {% do remove_columns.append('dbt_unique_key_' ~ loop.index) %}
          {% endfor %}
      {% endif %}

      {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                                   | rejectattr('name', 'in', remove_columns)
                                   | list %}
      {% do create_columns(target_relation, missing_columns) %}

      {% set staged_names = adapter.get_columns_in_relation(staging_table)
                                | map(attribute='name') | map('lower') | list %}
      {% set target_columns = adapter.get_columns_in_relation(target_relation) %}

      {% set merged_relation = target_relation.incorporate(
            path={'identifier': target_table ~ '__dbt_merged'}) %}
      {% do adapter.drop_relation(merged_relation) %}
      {% call statement('build_merged_snapshot') %}
          {{ create_table_as(
                False,
                merged_relation,
                spark_snapshot_rewrite_sql(
                    target_relation, staging_table, target_columns, staged_names, columns)) }}
      {% endcall %}

      {% set final_sql %}
          insert overwrite table {{ target_relation }}
          select
          {%- for column in target_columns %}
              {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
          {%- endfor %}
          from {{ merged_relation }}
      {% endset %}

  {% endif %}

  {% call statement('main') %}
      {{ final_sql }}
  {% endcall %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode=False) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}

  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {% if staging_table is defined %}
      {% do post_snapshot(staging_table) %}
      {% do adapter.drop_relation(merged_relation) %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}


{#
    The snapshot's whole history after this run, in the snapshot's column
    order: what spark__snapshot_merge_sql leaves in a table that can MERGE.
    Recorded versions, with dbt_valid_to set where the staging rows close a
    current version (`when matched ... then update`), then the staged
    inserts not recorded yet (`when not matched ... then insert`), with NULL
    in any column the snapshot query no longer selects.
#}
{% macro spark_snapshot_rewrite_sql(target, staging, target_columns, staged_names, columns) %}
    {%- set valid_to = adapter.quote(columns.dbt_valid_to) -%}
    {%- set scd_id = adapter.quote(columns.dbt_scd_id) -%}
    {%- set current_valid_to = config.get('dbt_valid_to_current') -%}
    with closing as (

        select
            {{ scd_id }} as closed_scd_id,
            {{ valid_to }} as closed_at
        from {{ staging }}
        where dbt_change_type in ('update', 'delete')

    ),

    recorded as (

        select
            {%- for column in target_columns %}
            {%- set name = adapter.quote(column.name) %}
            {%- if column.name | lower == columns.dbt_valid_to | lower %}
            case
                when closing.closed_scd_id is not null
                    {%- if current_valid_to %}
                    and (recorded.{{ valid_to }} = {{ current_valid_to }}
                        or recorded.{{ valid_to }} is null)
                    {%- else %}
                    and recorded.{{ valid_to }} is null
                    {%- endif %}
                    then closing.closed_at
                else recorded.{{ valid_to }}
            end as {{ valid_to }}
            {%- else %}
            recorded.{{ name }}
            {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ target }} as recorded
        left join closing
            on recorded.{{ scd_id }} = closing.closed_scd_id

    ),

    inserted as (

        select
            {%- for column in target_columns %}
            {%- set name = adapter.quote(column.name) %}
            {%- if column.name | lower in staged_names %}
            staged.{{ name }}
            {%- else %}
            cast(null as {{ column.data_type }}) as {{ name }}
            {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ staging }} as staged
        where
            staged.dbt_change_type = 'insert'
            and not exists (
                select 1
                from {{ target }} as recorded
                where recorded.{{ scd_id }} = staged.{{ scd_id }}
            )

    )

    select * from recorded
    union all
    select * from inserted
{% endmacro %}
