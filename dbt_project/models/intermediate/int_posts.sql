-- One row per channel and post: the channel marts' posts on one vocabulary, before labels and
-- percentiles. posted_at_precision says whether the export gave the time of day ('minute') or
-- only the date ('day': LinkedIn, YouTube, and tweets only seen in X Content exports).
-- is_collaboration: a post another account published with this one (Instagram
-- collaborations, instagram_posts); author_account is who published it.
-- Each channel's columns are declared in the macro cross_channel_posts.
with

unioned as (
    {{ posts_of_every_channel(['twitter', 'facebook', 'instagram', 'linkedin', 'youtube']) }}
),

final as (
    select * from unioned
)

select * from final
