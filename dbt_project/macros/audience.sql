{#- The great-circle distance in kilometres between two points given in degrees (haversine):
    how far a city of seeds/places.csv is from the centre of an audience_segments radius rule. -#}
{% macro km_between(latitude_1, longitude_1, latitude_2, longitude_2) -%}
    2 * 6371.0 * asin(sqrt(
        power(sin(radians({{ latitude_2 }} - {{ latitude_1 }}) / 2), 2)
        + cos(radians({{ latitude_1 }})) * cos(radians({{ latitude_2 }}))
        * power(sin(radians({{ longitude_2 }} - {{ longitude_1 }}) / 2), 2)
    ))
{%- endmacro %}
