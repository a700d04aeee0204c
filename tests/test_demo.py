"""The README's first command: `bamboe demo` serves four filled nodes, a hub harvesting them, and an editor login."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import requests

from conftest import BAMBOE, ROOT
from registry.store.server import free_port


def test_demo_federation_serves_four_nodes_and_a_hub_with_a_demo_editor(tmp_path):
    port = free_port()
    while any(_busy(port + offset) for offset in range(0, 5)):
        port = free_port()
    process = subprocess.Popen([*BAMBOE, "demo", "--data", str(tmp_path), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "BAMBOE_SPARQL_WORKERS": "1"}, start_new_session=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Demo federation running" in line:
                break
        output = "".join(lines)
        urls = re.findall(r"http://127\.0\.0\.1:\d+/", output)
        assert len(urls) == 5, output
        hub, urls = urls[-1], urls[:4]
        assert hub == f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = requests.get(hub + "oogst.csv", timeout=30).text
            if status.count(",stored,") == 4:
                break
            time.sleep(0.5)
        assert status.count(",stored,") == 4, status
        hub_listing = requests.get(hub + "praktijken", timeout=30).text
        assert "Koestal" in hub_listing and "BeterOud" in hub_listing
        for url in urls:
            listing = requests.get(url + "praktijken", timeout=30)
            assert listing.status_code == 200 and "gevonden" in listing.text
        session = requests.Session()
        form = session.get(urls[0] + "beheer/inloggen", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        login = session.post(urls[0] + "beheer/inloggen", timeout=10,
                             data={"naam": "demo", "wachtwoord": "demo-wachtwoord", "csrf_token": token})
        assert login.status_code == 200 and "katwijk-koestal" in login.text
        # a node names the national network its community is part of, looked up on the national node
        deadline = time.monotonic() + 60  # the national node may start after this one: a retry follows
        while time.monotonic() < deadline:
            page = requests.get(urls[0] + "praktijken/katwijk-koestal", timeout=10).text
            if "Landelijk lerend netwerk lerende praktijken bestaanszekerheid" in page:
                break
            time.sleep(0.5)
        assert "Landelijk lerend netwerk lerende praktijken bestaanszekerheid" in page
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()


def _busy(port: int) -> bool:
    import socket
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
