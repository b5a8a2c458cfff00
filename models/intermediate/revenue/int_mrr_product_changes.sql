{#
    MRR of month m−1 and m per account × product, both at m's rates, with
    the opening (m−1 at m−1's rates), the FX effect and the movement class
    (metrics.md, MRR movements). One row per account × product × month in
    which the product had MRR in m or m−1.
#}
{{ mrr_changes(['account_id', 'product_id']) }}
