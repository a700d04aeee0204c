# Give versions their rewritten content and its digest: each (?version ?content ?digest)
# row of the VALUES block (filled in by registry.history.erase) replaces one version's.
DELETE { GRAPH <urn:bamboe:ldes> { ?version <urn:bamboe:ldes#content> ?oldContent ; <urn:bamboe:ldes#digest> ?oldDigest } }
INSERT { GRAPH <urn:bamboe:ldes> { ?version <urn:bamboe:ldes#content> ?content ; <urn:bamboe:ldes#digest> ?digest } }
WHERE {
  VALUES (?version ?content ?digest) {
#ROWS
  }
  GRAPH <urn:bamboe:ldes> { ?version <urn:bamboe:ldes#content> ?oldContent ; <urn:bamboe:ldes#digest> ?oldDigest }
}
