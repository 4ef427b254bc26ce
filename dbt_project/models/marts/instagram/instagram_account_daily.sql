-- One row per Instagram account and day, from the Meta Business Suite daily series.
{{ meta_daily_mart(
    'instagram',
    ['new_followers', 'reach', 'viewers', 'views', 'profile_visits', 'link_clicks', 'interactions']
) }}
