{#- Text as label rules see it: NFKC-folded (Unicode "math bold" 𝐍𝐄𝐖 and fullwidth ＃ become
    NEW and #), accents stripped, lower case. DuckDB has no NFKC, so the one-to-one foldings come
    from the generated seed unicode_compatibility_folding (python -m socialkpi.build.text_folding). -#}
{% macro unicode_folding_strings() -%}
    select
        coalesce(string_agg(chr(code_point), '' order by code_point), '') as from_characters,
        coalesce(string_agg(chr(folded_code_point), '' order by code_point), '') as to_characters
    from {{ ref('unicode_compatibility_folding') }}
{%- endmacro %}

{% macro folded_text(text, folding='folding') -%}
    lower(strip_accents(translate(
        coalesce({{ text }}, ''), {{ folding }}.from_characters, {{ folding }}.to_characters
    )))
{%- endmacro %}

{#- The words of a folded text between single spaces (' meet dr ada #tbt '), so a keyword of one
    or more words matches whole words only, with no regex escaping of what analysts type. -#}
{% macro padded_words(folded) -%}
    ' ' || trim(regexp_replace({{ folded }}, '[^\pL\pN#@_]+', ' ', 'g')) || ' '
{%- endmacro %}

{#- Hashtags (#) or mentions (@) of a folded text, without the sign; a sign inside a word (an
    e-mail address, a URL fragment) does not start one. -#}
{% macro tags_in(folded, sign) -%}
    regexp_extract_all({{ folded }}, '(^|[^\pL\pN_&/.])\{{ sign }}([\pL\pN_]+)', 2)
{%- endmacro %}

{#- int_post_text with the version of the label rules its posts are labelled by: a hash of every
    row of seeds/label_rules.csv and seeds/collaborators.csv and of the collaborators' priority,
    so that int_post_labels relabels every post when any of them changes. -#}
{% macro posts_with_rules_version() -%}
    (
        select
            post.*,
            (
                select md5(coalesce(string_agg(rule, chr(10) order by rule), ''))
                from (
                    select to_json(label_rule)::varchar as rule
                    from {{ ref('label_rules') }} as label_rule
                    union all
                    select
                        to_json(collaborator)::varchar
                        || '{{ var("collaborator_rule_priority") }}' as rule
                    from {{ ref('collaborators') }} as collaborator
                )
            ) as rules_version
        from {{ ref('int_post_text') }} as post
    )
{%- endmacro %}
