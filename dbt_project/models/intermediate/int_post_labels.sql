-- One row per channel, post and label dimension: the label of the highest-priority rule of
-- seeds/label_rules.csv (and of seeds/collaborators.csv, as mention rules of the dimension
-- collaboration) that matches the post. Ties go to the label first in alphabetical order, so
-- a build is deterministic. Editing the seeds and rebuilding re-labels every past post.
-- Incremental, not a view: two marts and a test read it, and matching every rule against every
-- post grew with history (20 s of each night at the agency scale). A build labels only the
-- posts whose labels may differ: folded again since they were labelled (int_post_text.folded_at:
-- new, or text or format changed), or every post when the rules changed (rules_version); their
-- old labels are deleted first (the pre-hook), so a post that no rule matches any more keeps none.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_where_source_changed(posts_with_rules_version(), ['channel', 'account', 'post_id'], ['folded_at', 'rules_version']) }}",
    )
}}

with

posts as (
    select * from {{ posts_with_rules_version() }} as post
    {{ where_new_or_changed(
        'post', ['channel', 'account', 'post_id'], ['folded_at', 'rules_version']
    ) }}
),

folding as (
    {{ unicode_folding_strings() }}
),

collaborator_rules as (
    select
        'collaboration' as dimension,
        kind as label,
        'mention' as match_kind,
        handle as pattern,
        {{ var('collaborator_rule_priority') }} as priority,
        channel
    from {{ ref('collaborators') }}
),

rules as (
    select
        dimension,
        label,
        match_kind,
        pattern,
        priority,
        channel
    from {{ ref('label_rules') }}
    union all
    select
        dimension,
        label,
        match_kind,
        pattern,
        priority,
        channel
    from collaborator_rules
),

-- Patterns folded like the text; hashtag and mention patterns without their sign, keywords as
-- padded words, so ' #TBT', 'tbt' and '𝐓𝐁𝐓' are the same rule.
folded_rules as (
    select
        rules.dimension,
        rules.label,
        rules.match_kind,
        rules.pattern,
        rules.priority,
        lower(rules.channel) as channel,
        case rules.match_kind
            when 'hashtag' then trim(leading '#' from trim({{ folded_text('rules.pattern') }}))
            when 'mention' then trim(leading '@' from trim({{ folded_text('rules.pattern') }}))
            when 'keyword' then {{ padded_words(folded_text('rules.pattern')) }}
            when 'format' then lower(trim(rules.pattern))
            else rules.pattern
        end as term
    from rules
    cross join folding
),

-- What equality rules compare with: one row per hashtag, per mention, and the post's format.
post_terms as (
    {%- set terms = {
        'hashtag': each_element_of('hashtags'),
        'mention': each_element_of('mentions'),
        'format': 'format',
    } %}
    {%- for match_kind, term in terms.items() %}
        select
            channel,
            account,
            post_id,
            folded_at,
            rules_version,
            '{{ match_kind }}' as match_kind,
            {{ term }} as term
        from posts
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- Hashtag, mention and format rules are equalities: hash joins. Only keyword, regex and `any`
-- rules test every post (a nested loop); one join with a `case` over every kind tested all
-- rules against all posts, 28 s for an account of a million posts.
matches as (
    select
        posts.channel,
        posts.account,
        posts.post_id,
        posts.folded_at,
        posts.rules_version,
        folded_rules.dimension,
        folded_rules.label,
        folded_rules.match_kind,
        folded_rules.pattern,
        folded_rules.priority
    from posts
    inner join folded_rules
        on
            folded_rules.match_kind in ('keyword', 'regex', 'any')
            and (folded_rules.channel is null or posts.channel = folded_rules.channel)
            and case folded_rules.match_kind
                when 'keyword' then contains(posts.padded_words, folded_rules.term)
                when 'regex' then {{ matches_regex('posts.folded_text', 'folded_rules.term') }}
                else true
            end
    union all
    select
        posts.channel,
        posts.account,
        posts.post_id,
        posts.folded_at,
        posts.rules_version,
        folded_rules.dimension,
        folded_rules.label,
        folded_rules.match_kind,
        folded_rules.pattern,
        folded_rules.priority
    from post_terms as posts
    inner join folded_rules
        on
            posts.match_kind = folded_rules.match_kind
            and posts.term = folded_rules.term
            and (folded_rules.channel is null or posts.channel = folded_rules.channel)
),

final as (
    select
        channel,
        account,
        post_id,
        dimension,
        label,
        match_kind as matched_by,
        pattern as matched_pattern,
        priority as rule_priority,
        folded_at,
        rules_version
    from matches
    {{ keep_first(
        'channel, account, post_id, dimension',
        'priority desc, label asc, match_kind asc, pattern asc'
    ) }}
)

select * from final
