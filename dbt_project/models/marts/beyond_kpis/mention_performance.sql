-- One row per mentioned handle and channel: how the posts mentioning it did, their lift over
-- the same accounts' median in the same months, and the kind of collaborator it is.
{{ tag_performance('mention') }}
