-- The seed health_rules holds exactly the parameters the component models
-- read (macro health_rule_parameters), once each, with values of the right
-- shape: windows whole days >= 1, other constants at most 4 decimals (the
-- scoring arithmetic's scale), weights and penalties >= 0, each ramp rising
-- (from < to). A missing or malformed constant would otherwise turn a
-- component into NULL, "no data", without an error.
{%- set parameters = health_rule_parameters() %}

with

rules as (

    select * from {{ ref('health_rules') }}

),

expected as (

    {%- for component, names in parameters.items() %}
    {%- for name in names %}
    select
        '{{ component }}' as component,
        '{{ name }}' as parameter
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

counted as (

    select
        expected.component,
        expected.parameter,
        count(rules.parameter) as rows_in_seed
    from expected
    left join rules
        on
            expected.component = rules.component
            and expected.parameter = rules.parameter
    group by expected.component, expected.parameter

),

valued as (

    select
        component,
        parameter,
        value,
        {{ dbt.safe_cast('value', 'decimal(38, 10)') }} as exact_value
    from rules

),

problems as (

    select
        component,
        parameter,
        'missing or repeated' as problem
    from counted
    where rows_in_seed <> 1

    union all

    select
        rules.component,
        rules.parameter,
        'unknown parameter' as problem
    from rules
    left join expected
        on
            rules.component = expected.component
            and rules.parameter = expected.parameter
    where expected.parameter is null

    union all

    select
        component,
        parameter,
        'malformed value' as problem
    from valued
    where
        exact_value is null
        or exact_value <> cast(exact_value as decimal(18, 4))
        or (
            {{ dbt.right('parameter', 5) }} = '_days'
            and (exact_value < 1 or exact_value <> cast(exact_value as decimal(18, 0)))
        )
        or (
            (
                {{ dbt.right('parameter', 7) }} = '_weight'
                or {{ dbt.right('parameter', 8) }} = '_penalty'
            )
            and exact_value < 0
        )

    union all

    select
        ramp_from.component,
        ramp_from.parameter,
        'ramp does not rise' as problem
    from valued as ramp_from
    inner join valued as ramp_to
        on
            ramp_from.component = ramp_to.component
            and replace(ramp_from.parameter, '_ramp_from', '_ramp_to') = ramp_to.parameter
    where
        {{ dbt.right('ramp_from.parameter', 10) }} = '_ramp_from'
        and not ramp_from.exact_value < ramp_to.exact_value

)

select * from problems
