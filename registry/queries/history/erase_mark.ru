# Say when the version log was last rewritten by a privacy erase (history/token reads it):
# every as-of state made from the log before is stale.
DELETE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> ?old } }
INSERT { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> ?time } }
WHERE { OPTIONAL { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> ?old } } }
