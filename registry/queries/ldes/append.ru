# Record versions from number ?first to ?last (the new head marker), and the source
# position they catch up with, in one step (with the `#until` of the versions they
# supersede, and the marker saying the log keeps those), and only while number ?first
# is free: when two processes catch up at once (gunicorn workers over one store), the
# later one writes nothing, and its next read of the stream finds the versions the
# other recorded. #VERSIONS is filled with their triples.
# The old position goes only once the new one is in. (The guard counts: Virtuoso 7.2
# answers a lone NOT EXISTS as true and drops a solution with an unbound DELETE variable.)
INSERT { GRAPH <urn:bamboe:ldes> {
  <urn:bamboe:ldes> <urn:bamboe:ldes#position> ?position .
  <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?last ; <urn:bamboe:ldes#closing> "until" .
#VERSIONS
} }
WHERE {
  { SELECT (COUNT(?version) AS ?taken) WHERE { GRAPH <urn:bamboe:ldes> { ?version <urn:bamboe:ldes#number> ?first } } }
  FILTER(?taken = 0)
} ;
DELETE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#position> ?old } }
WHERE {
  GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#position> ?old , ?position . FILTER(?old != ?position) }
} ;
DELETE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?old } }
WHERE {
  GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?old , ?last . FILTER(?old < ?last) }
}
