# Record versions numbered from ?first on, written by a harvest in the same transaction as
# the copy they describe, and only while number ?first is free (see append.ru for why the
# guard counts). #VERSIONS is filled with their triples.
INSERT { GRAPH <urn:bamboe:ldes> {
#VERSIONS
} }
WHERE {
  { SELECT (COUNT(?version) AS ?taken) WHERE { GRAPH <urn:bamboe:ldes> { ?version <urn:bamboe:ldes#number> ?first } } }
  FILTER(?taken = 0)
}
