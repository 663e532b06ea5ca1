"""A throw-away OpenLink Virtuoso server on 127.0.0.1 for the endpoint tests (imported by test_virtuoso).

- :func:`virtuoso_binary` — ``virtuoso-t`` (Debian ``virtuoso-opensource``) on PATH or in
  ``/usr/bin``, or None.
- :class:`VirtuosoServer` — writes a ``virtuoso.ini`` into a temporary directory (database files
  there, free SQL and HTTP ports, the Debian defaults for ``ResultSetMaxRows`` and the query time
  limit), runs ``virtuoso-t +foreground``, waits until ``/sparql`` answers and stops it (by its own
  process id) at the end. A new database has the account ``dba`` with password ``dba``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from oxigraph_server import OxigraphServer, free_port

USER = PASSWORD = "dba"
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {db}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t") or shutil.which("virtuoso-t", path="/usr/bin:/usr/local/bin")


class VirtuosoServer(OxigraphServer):
    """Started like :class:`OxigraphServer`, with whose ``stop`` it ends (by its own process id)."""

    def __init__(self, location: Path):
        self.location = Path(location)
        self.sql_port, self.http_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.query_url = self.base + "/sparql"
        ini = self.location / "virtuoso.ini"
        ini.write_text(INI.format(db=self.location, sql_port=self.sql_port, http_port=self.http_port))
        self.process = subprocess.Popen([virtuoso_binary(), "+foreground", "+configfile", str(ini)],
                                        cwd=self.location, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        log = self.location / "virtuoso.log"
        self.wait_until_answering(60, lambda: f"virtuoso-t did not start on port {self.http_port}: "
                                  f"{log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
