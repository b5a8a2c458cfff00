{#
    One row describing the build BI is looking at: which night it represents
    and in which timezone and currency its numbers are.
#}

with

weights as (

    select max(weights_version) as weights_version
    from {{ ref('health_weights') }}

),

build as (

    select
        {{ as_of_date_literal() }} as as_of_date,
        cast('{{ reporting_timezone() }}' as {{ dbt.type_string() }}) as reporting_timezone,
        cast('{{ var("reporting_currency") | upper }}' as {{ dbt.type_string() }})
            as reporting_currency,
        cast(weights.weights_version as {{ dbt.type_string() }}) as weights_version,
        cast(
            {{ dbt.dateadd('month', -1, dbt.date_trunc('month', as_of_date_literal())) }}
            as date
        ) as last_complete_month
    from weights

)

select
    as_of_date,
    reporting_timezone,
    reporting_currency,
    weights_version,
    last_complete_month
from build
