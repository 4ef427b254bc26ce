-- One row per hashtag and channel: how the posts using it did, and their lift over the same
-- accounts' median in the months they were published.
{{ tag_performance('hashtag') }}
