{{ attributed_account_fact('stg_support__tickets') }}
