# Remove one named graph (?g bound by the caller).
DROP SILENT GRAPH ?g
