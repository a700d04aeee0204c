"""Virtuoso Open Source (Debian's `virtuoso-opensource`), started once per test session.

Proves that a hub runs on a SPARQL 1.1 server Bamboe does not ship, set up as the
README says: its own `virtuoso.ini` in a temporary folder, both ports on 127.0.0.1, a
`bamboe` user allowed SPARQL updates, reached through the authenticated endpoints
(HTTP Digest), with `store_flavour = "virtuoso"`. Import the fixtures where needed:
`from virtuoso import virtuoso`.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from registry.store import RemoteStore
from registry.store.remote import VIRTUOSO
from registry.store.server import _die_with, free_port

USER = "bamboe"
SERVICE_DESCRIPTION = "http://localuriqaserver/sparql"
"""The graph describing the endpoint that Virtuoso writes once, into a new database."""
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""
SETUP = """\
DB.DBA.USER_CREATE('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
SPARQL CLEAR GRAPH <{service_description}>;
USER_CHANGE_PASSWORD('dba', 'dba', '{dba_password}');
"""


class VirtuosoServer:
    """One `virtuoso-t` in the foreground, its database and settings in `folder`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.password = secrets.token_hex(12)
        self.dba_password = secrets.token_hex(12)
        self.log_path = folder / "virtuoso-t.out"
        self.process: subprocess.Popen | None = None

    def start(self) -> "VirtuosoServer":
        for command in ("virtuoso-t", "isql-vt"):
            if not shutil.which(command):
                pytest.fail(f"`{command}` is missing: install Virtuoso with "
                            "`apt-get install virtuoso-opensource` (bash .ci/run does).", pytrace=False)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(folder=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)],
                                            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                            preexec_fn=_die_with(os.getpid()))
        self._wait()
        self.sql(SETUP.format(user=USER, password=self.password, service_description=SERVICE_DESCRIPTION,
                              dba_password=self.dba_password), password="dba")
        return self

    def store(self) -> RemoteStore:
        """A new client for the server, as `bamboe` through the authenticated endpoints."""
        return RemoteStore.for_virtuoso(self.url, USER, self.password)

    def settings(self) -> dict:
        """The settings of a node or hub on this server (`store = remote`)."""
        return {"store": "remote", "store_flavour": "virtuoso", "store_user": USER, "store_password": self.password,
                "store_query_url": f"{self.url}/sparql-auth", "store_update_url": f"{self.url}/sparql-auth",
                "store_gsp_url": f"{self.url}/sparql-graph-crud-auth"}

    def clear(self) -> None:
        """Remove every graph but Virtuoso's own, so each test starts from an empty store."""
        kept = ", ".join(f"iri_to_id('{graph}')" for graph in sorted(VIRTUOSO.system_graphs))
        self.sql(f"DELETE FROM DB.DBA.RDF_QUAD WHERE G NOT IN ({kept});")

    def sql(self, statements: str, password: str | None = None) -> str:
        """Run SQL as the database administrator with `isql-vt`; fail on any error."""
        result = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", password or self.dba_password],
            input=statements, capture_output=True, text=True, timeout=60)
        if result.returncode != 0 or "*** Error" in result.stdout:
            raise AssertionError(f"isql-vt failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("virtuoso-t exited:\n" + self.log_path.read_text(errors="replace")[-3000:])
            try:
                if requests.get(f"{self.url}/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"virtuoso-t did not answer on {self.url} within {seconds} s")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A Virtuoso server on 127.0.0.1 for the whole session; fails (not skips) when not installed."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server.start()
    finally:
        server.stop()
