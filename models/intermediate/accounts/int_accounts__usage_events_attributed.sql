{{ attributed_account_fact('stg_usage__events') }}
