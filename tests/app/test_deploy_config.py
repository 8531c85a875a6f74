"""The deployment files agree with the app: upload limits, sub-path, ports."""

from __future__ import annotations

import re
import tomllib

from data_access.importer.reading import Limits
from tests.conftest import ROOT

NGINX = ROOT / "deploy" / "nginx"


def test_upload_limits_match_from_browser_to_importer() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    streamlit_mb = config["server"]["maxUploadSize"]
    nginx_mb = int(
        re.search(r"client_max_body_size (\d+)m;", (NGINX / "alignment-locations.conf").read_text())[1]
    )
    assert Limits().max_mb == streamlit_mb
    # nginx lets the multipart envelope through, so the app answers an oversized file itself.
    assert streamlit_mb < nginx_mb <= streamlit_mb + 2


def test_the_proxy_serves_the_sub_path_the_units_and_readme_use() -> None:
    locations = (NGINX / "alignment-locations.conf").read_text()
    assert "location /alignment/ {" in locations and "proxy_pass http://alignment_app;" in locations
    assert "proxy_set_header Upgrade $http_upgrade;" in locations
    site = (NGINX / "alignment.conf").read_text()
    ports = re.findall(r"server 127\.0\.0\.1:(\d+) ", site)
    assert len(ports) >= 2, "at least two app processes behind the proxy"
    readme = (ROOT / "README.md").read_text()
    assert "STREAMLIT_SERVER_BASE_URL_PATH=alignment" in readme
    assert all(f"alignment-app@{port}" in readme for port in ports)
