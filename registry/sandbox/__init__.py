"""The public SPARQL door: check each query, then run it where it can be killed.

Public queries never touch the store that pages and writes use. They run in worker
processes that each hold an in-memory copy of the data (loaded from an N-Quads
snapshot), under a memory cap, with the network cut where the OS allows it. A query
past its deadline is answered with 503 and its worker is killed and respawned, which
frees all its memory at once. Answers to repeatable queries are kept until the data
changes (`answers.py`), so a dashboard asking the same question again costs no worker.
A question about the past (`asOf=`) runs the same way, on a snapshot of the data as of
that moment (`as_of.py`).
"""
from registry.sandbox.answers import Answers
from registry.sandbox.precheck import CheckedQuery, check_query
from registry.sandbox.pool import QueryPool, QueryResult

__all__ = ["Answers", "CheckedQuery", "check_query", "QueryPool", "QueryResult"]
