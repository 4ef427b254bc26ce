{#- The post's format (photo, video, reel, live, story, carousel, 360, link, text, poll) from
    what the export says (Meta post type, Instagram media type, LinkedIn content type, a YouTube
    video's length) and, where it says nothing more precise, from clear text signals: a video (or
    a post of unknown type) announcing itself live is 'live'; "360°" is '360'. NULL when neither
    the export nor the text says. -#}
{% macro post_format(post_type, text) -%}
    {#- A pattern matches the whole lower-case type (`.` does not cross a line break). -#}
    {%- set type = 'lower(' ~ post_type ~ ')' %}
    case
        when
            {{ matches_regex("coalesce(" ~ text ~ ", '')", "'(?i)\\b(live|en direct|livestream)\\b'") }}
            and (
                {{ post_type }} is null
                or {{ matches_regex(type, "'^.*(video|reel|live).*$'") }}
            )
            then 'live'
        when {{ matches_regex("coalesce(" ~ text ~ ", '')", "'360 ?°|\\b360\\b'") }} then '360'
        when {{ matches_regex(type, "'^.*(carousel|album).*$'") }} then 'carousel'
        when lower({{ post_type }}) like '%story%' then 'story'
        when {{ matches_regex(type, "'^.*(reel|short).*$'") }} then 'reel'
        when lower({{ post_type }}) like '%live%' then 'live'
        when lower({{ post_type }}) like '%video%' then 'video'
        when {{ matches_regex(type, "'^.*(photo|image).*$'") }} then 'photo'
        when {{ matches_regex(type, "'^.*(link|article).*$'") }} then 'link'
        when lower({{ post_type }}) like '%poll%' then 'poll'
        when {{ matches_regex(type, "'^.*(status|text).*$'") }} then 'text'
    end
{%- endmacro %}

{#- YouTube exports give no post type: a video of 60 seconds or less, or one its title calls
    #shorts, is a Short, the same vertical short-video format as a reel. -#}
{% macro youtube_video_type(duration_seconds, title) -%}
    case
        when {{ duration_seconds }} <= 60 or {{ like_ignoring_case(title, "'%#shorts%'") }} then 'short'
        else 'video'
    end
{%- endmacro %}

{#- X exports do not say what a tweet contained; these are the clear signals it leaves, as the
    post type post_format() reads: a pic.twitter.com link or media views make a photo, another
    URL a link, anything else text. -#}
{% macro tweet_post_type(text, media_views) -%}
    case
        when
            {{ like_ignoring_case(text, "'%pic.twitter.com/%'") }} or {{ media_views }} > 0
            then 'photo'
        when {{ matches_regex(text, "'https?://'") }} then 'link'
        else 'text'
    end
{%- endmacro %}
