{#
    Every reason code the CRM records is in the seed churn_reason_taxonomy.
    An unknown code still reaches fct_churn_events (with `unknown`
    categories), so this warns: extend the seed to categorise it.
#}
{{ config(severity='warn') }}

select
    notices.reason_code,
    count(*) as notices
from {{ ref('int_accounts__churn_reasons_attributed') }} as notices
left join {{ ref('churn_reason_taxonomy') }} as taxonomy
    on notices.reason_code = taxonomy.reason_code
where
    notices.reason_code is not null
    and taxonomy.reason_code is null
group by notices.reason_code
