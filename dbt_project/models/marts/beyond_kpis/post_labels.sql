-- One row per channel, post and label dimension: the label each post got and the rule that gave
-- it (seeds/label_rules.csv, seeds/collaborators.csv), for every dimension analysts declare.
with

labels as (
    select * from {{ ref('int_post_labels') }}
),

final as (
    select
        channel,
        account,
        post_id,
        dimension,
        label,
        matched_by,
        matched_pattern,
        rule_priority
    from labels
)

select * from final
