-- The published scores are under the weights version dim_build names.
select distinct health.weights_version
from {{ ref('fct_account_health_daily') }} as health
cross join {{ ref('dim_build') }} as build
where health.weights_version <> build.weights_version
