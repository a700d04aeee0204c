"""History: every version of every record kept, and the data as it was on any date.

The model (chosen and measured in `bench/notes/history-models.md`): the version log
that the event stream (LDES) already keeps, in the private graph `urn:bamboe:ldes`.

- A **version** is one record (a community, a meeting, a report, a concept...: what
  `harvesters.records.split` cuts a graph into) as it was from one moment on: its
  content as an N-Triples literal, its kind (Create, Update, Delete), its digest and
  time; on a hub also the member graph it belongs to, the harvest run that stored it,
  the source (dump or stream) and the source's ETag.
- Versions are written by the writers, in the moment they write: a hub in the same
  transaction as the harvested copy (`versions.harvest_versions`), a node right after
  each edit or load (`versions.catch_up`, at the audit trail's time). A harvest or edit
  that changes nothing writes nothing, so storage grows with changes only.
- A resource that is deleted gets a last version holding its tombstone (or nothing,
  when it simply disappeared); a privacy erase rewrites every version (`erase`).
- **As of a moment** (`states.state_as_of`): the newest version of each resource at
  that moment, loaded into a scratch store with the graph names the live store uses.
  The views, `/sparql?asOf=` and `bamboe export --as-of` all read that one state, so
  they agree with each other and with what was served that day.
"""
