{{ attributed_account_fact('stg_crm__opportunities') }}
