{#
    Per landing table and contract column, this run: how many values were
    present, blank, and (typed columns) present but unparsable. Staging casts
    with try_cast, so an unparsable value would otherwise become NULL without
    a trace; a blank is counted whatever its rule. The counts are kept per
    file (audit_landing_parse_failures_by_file), so a night reads only the
    files it loaded; here they are added up per column of the contract.

    What blocks is the contract's (models/staging/*/_*__sources.yml, column
    meta `blank` and `unparsable`), enforced by the GX raw suites before dbt
    runs; this relation is the record, and its test reports every unparsable
    value as a warning.
#}

{%- set tables = landing_contract() -%}

with

by_file as (

    select * from {{ ref('audit_landing_parse_failures_by_file') }}

),

contract_columns as (

    {% for table in tables %}
    {%- set outer_loop = loop %}
    {% for column in table.columns %}
    select
        '{{ table.path }}' as table_path,
        '{{ column.name }}' as column_name,
        '{{ column.type }}' as landing_type,
        '{{ column.blank }}' as blank_rule,
        '{{ column.unparsable }}' as unparsable_rule
    {{ 'union all' if not (loop.last and outer_loop.last) }}
    {% endfor %}
    {% endfor %}

),

counted as (

    select
        table_path,
        column_name,
        sum(rows_read) as rows_read,
        sum(values_present) as values_present,
        sum(values_unparsable) as values_unparsable,
        min(example_unparsable_value) as example_unparsable_value
    from by_file
    group by table_path, column_name

),

columns_audited as (

    select
        contract_columns.*,
        coalesce(counted.rows_read, 0) as rows_read,
        coalesce(counted.values_present, 0) as values_present,
        coalesce(counted.rows_read, 0) - coalesce(counted.values_present, 0) as values_blank,
        coalesce(counted.values_unparsable, 0) as values_unparsable,
        counted.example_unparsable_value
    from contract_columns
    left join counted
        on
            contract_columns.table_path = counted.table_path
            and contract_columns.column_name = counted.column_name

)

select
    table_path,
    column_name,
    landing_type,
    blank_rule,
    unparsable_rule,
    cast(rows_read as {{ dbt.type_bigint() }}) as rows_read,
    cast(values_present as {{ dbt.type_bigint() }}) as values_present,
    cast(values_blank as {{ dbt.type_bigint() }}) as values_blank,
    cast(values_unparsable as {{ dbt.type_bigint() }}) as values_unparsable,
    cast(example_unparsable_value as {{ dbt.type_string() }}) as example_unparsable_value,
    cast(table_path as {{ dbt.type_string() }}) || '.' || column_name as audited_column
from columns_audited
