# Record versions numbered from ?first to ?last (the new head marker), written by a harvest
# in the same transaction as the copy they describe (with the `#until` of the versions
# they supersede, and the marker saying the log keeps those), and only while number
# ?first is free (see append.ru for why the guard counts). #VERSIONS is filled with their triples. The
# older head marker goes only once the new one is in.
INSERT { GRAPH <urn:bamboe:ldes> {
  <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?last ; <urn:bamboe:ldes#closing> "until" .
#VERSIONS
} }
WHERE {
  { SELECT (COUNT(?version) AS ?taken) WHERE { GRAPH <urn:bamboe:ldes> { ?version <urn:bamboe:ldes#number> ?first } } }
  FILTER(?taken = 0)
} ;
DELETE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?old } }
WHERE {
  GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?old , ?last . FILTER(?old < ?last) }
}
