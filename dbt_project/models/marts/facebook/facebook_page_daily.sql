-- One row per Facebook Page and day, from the Meta Business Suite daily series.
{{ meta_daily_mart(
    'facebook', ['new_followers', 'views', 'visits', 'interactions', 'link_clicks']
) }}
