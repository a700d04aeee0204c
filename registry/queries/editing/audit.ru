# Record one change in the private audit graph, numbered after the last one. The
# number is computed inside the same update, so it is gapless and ordered.
# (Full IRIs, no PREFIX: Oxigraph accepts a prologue only at the start of an update,
# and this text is appended after the write it records.)
INSERT { GRAPH <urn:bamboe:audit> {
  ?activity a <http://www.w3.org/ns/prov#Activity> , ?type ;
    <https://www.w3.org/ns/activitystreams#object> ?object ;
    <https://www.w3.org/ns/activitystreams#summary> ?summary ;
    <http://www.w3.org/ns/prov#wasAssociatedWith> ?agent ;
    <http://www.w3.org/ns/prov#endedAtTime> ?time ;
    <urn:bamboe:sequence> ?sequence .
} } WHERE {
  { SELECT (COALESCE(MAX(?n), 0) + 1 AS ?sequence) WHERE {
      OPTIONAL { GRAPH <urn:bamboe:audit> { ?any <urn:bamboe:sequence> ?n } } } }
}
