# Add `#until` literals to versions written before writers kept them, or the log's
# `#closing` marker once all are in (versions.close_superseded fills #UNTIL).
INSERT DATA { GRAPH <urn:bamboe:ldes> {
#UNTIL
} }
