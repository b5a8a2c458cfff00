{{ attributed_account_fact('stg_crm__churn_reasons') }}
