"""Maps drawn on the server from the shipped CBS / PDOK shapes (`vocab/places/`).

`topojson` decodes and projects the shapes once per process; `choropleth` fills them in
for one request. Neither imports Flask: a view passes in counts and a URL function and
puts the returned SVG into `views/_map.html`.
"""
