{#- The post's format (photo, video, reel, live, story, carousel, 360, link, text, poll) from
    what the export says (Meta post type, Instagram media type) and, where it says nothing
    more precise, from clear text signals. -#}
{% macro post_format(post_type, text) -%}
    case
        when
            regexp_matches(coalesce({{ text }}, ''), '(?i)\b(live|en direct|livestream)\b')
            and lower({{ post_type }}) similar to '.*(video|reel|live).*'
            then 'live'
        when regexp_matches(coalesce({{ text }}, ''), '360 ?°|\b360\b') then '360'
        when lower({{ post_type }}) similar to '.*(carousel|album).*' then 'carousel'
        when lower({{ post_type }}) like '%story%' then 'story'
        when lower({{ post_type }}) like '%reel%' then 'reel'
        when lower({{ post_type }}) like '%live%' then 'live'
        when lower({{ post_type }}) like '%video%' then 'video'
        when lower({{ post_type }}) similar to '.*(photo|image).*' then 'photo'
        when lower({{ post_type }}) like '%link%' then 'link'
        when lower({{ post_type }}) like '%poll%' then 'poll'
        when lower({{ post_type }}) similar to '.*(status|text).*' then 'text'
    end
{%- endmacro %}
