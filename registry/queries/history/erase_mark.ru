# Say when the version log was last rewritten by a privacy erase (history/token reads it):
# every as-of state made from the log before is stale. (Two steps, no OPTIONAL: Virtuoso
# 7.2 drops a solution whose DELETE variable is unbound, and its INSERT with it.)
DELETE WHERE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> ?old } } ;
INSERT DATA { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> ?time } }
