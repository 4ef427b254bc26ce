{#- Text as label rules see it: NFKC-folded (Unicode "math bold" 𝐍𝐄𝐖 and fullwidth ＃ become
    NEW and #), accents stripped, lower case. DuckDB has no NFKC, so the one-to-one foldings come
    from the generated seed unicode_compatibility_folding (python -m socialkpi.build.text_folding). -#}
{% macro unicode_folding_strings() -%}
    select
        coalesce({{ joined_text(character_of('code_point'), "''", 'code_point') }}, '')
            as from_characters,
        coalesce({{ joined_text(character_of('folded_code_point'), "''", 'code_point') }}, '')
            as to_characters
    from {{ ref('unicode_compatibility_folding') }}
{%- endmacro %}

{#- Only a text holding a foldable character is translated: DuckDB rebuilds translate()'s map
    of the ~1,000 foldings for every row it is called on (~150 us a post), and most texts hold
    none (accents and emoji are not compatibility characters). -#}
{% macro folded_text(text, folding='folding') -%}
    {%- set compatible -%}
        case
            when {{ matches_regex('coalesce(' ~ text ~ ", '')", foldable_characters_pattern()) }}
                then translate({{ text }}, {{ folding }}.from_characters, {{ folding }}.to_characters)
            else coalesce({{ text }}, '')
        end
    {%- endset -%}
    lower({{ without_accents(compatible) }})
{%- endmacro %}

{#- The words of a folded text between single spaces (' meet dr ada #tbt '), so a keyword of one
    or more words matches whole words only, with no regex escaping of what analysts type. -#}
{% macro padded_words(folded) -%}
    {%- set between_words %}'[^\pL\pN#@_]+'{% endset -%}
    ' ' || trim({{ replace_regex(folded, between_words, "' '") }}) || ' '
{%- endmacro %}

{#- Hashtags (#) or mentions (@) of a folded text, without the sign; a sign inside a word (an
    e-mail address, a URL fragment) does not start one. -#}
{% macro tags_in(folded, sign) -%}
    {%- set tag %}'(^|[^\pL\pN_&/.])\{{ sign }}([\pL\pN_]+)'{% endset -%}
    {{ all_match_groups(folded, tag, 2) }}
{%- endmacro %}

{#- int_post_text with the version of the label rules its posts are labelled by: a hash of every
    row of seeds/label_rules.csv and seeds/collaborators.csv and of the collaborators' priority,
    so that int_post_labels relabels every post when any of them changes. -#}
{% macro posts_with_rules_version() -%}
    (
        select
            post.*,
            (
                select md5(coalesce({{ joined_text('rule', 'chr(10)', 'rule') }}, ''))
                from (
                    select cast({{ row_as_json('label_rule') }} as string) as rule
                    from {{ ref('label_rules') }} as label_rule
                    union all
                    select
                        cast({{ row_as_json('collaborator') }} as string)
                        || '{{ var("collaborator_rule_priority") }}' as rule
                    from {{ ref('collaborators') }} as collaborator
                )
            ) as rules_version
        from {{ ref('int_post_text') }} as post
    )
{%- endmacro %}
