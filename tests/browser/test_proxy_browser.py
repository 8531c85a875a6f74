"""The production set-up end to end: Debian's nginx with deploy/nginx/alignment.conf (TLS, the
sub-path /alignment/, cookie affinity, WebSocket upgrade) in front of two app processes
(serve.py) on one PostgreSQL database, with real sign-in (oidc-provider-mock).

A person signs in through the proxy, changes a filter, records a decision; then the process
serving them is killed. The page must reconnect through nginx to the other process, still
signed in, on the same page with the same filter (it is in the URL) and the decision still
there. nginx runs as a plain process from a generated config in a temporary directory
(`nginx -c ... -p ...`, daemon off); everything is stopped in a `finally`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from data_access.demo import seed_demo
from data_access.engine import create_db_engine, upgrade_schema
from i18n import translate
from tests.auth_fixtures import PEOPLE, auth_secrets, to_toml
from tests.browser.harness import free_port, wait_for_app
from tests.browser.test_accessibility_browser import axe_violations, blocking
from tests.browser.test_signin_browser import _require_provider, _wait_for
from tests.conftest import ROOT, _drop_pg_database, make_database_url

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy" / "nginx"
BASE_PATH = "alignment"
DECISION = "Recorded through the proxy"
STARTUP_TIMEOUT_S = 120.0


def _require_nginx() -> None:
    if not Path(NGINX).exists():
        message = "nginx is missing (apt-get install -y nginx; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if shutil.which("openssl") is None:
        message = "openssl is missing (needed for the test certificate)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def render_nginx_config(*, workdir: Path, https_port: int, http_port: int, app_ports: list[int]) -> Path:
    """The shipped config, rewritten for a temporary directory and test ports; returns nginx.conf.

    Only addresses, ports and file paths change: every proxy setting is the shipped one."""
    site = (DEPLOY / "alignment.conf").read_text()
    upstream_lines = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in app_ports
    )
    site, count = re.subn(
        r"(?m)^    server 127\.0\.0\.1:\d+ .*;\n(?:    server 127\.0\.0\.1:\d+ .*;\n)*",
        upstream_lines + "\n",
        site,
    )
    assert count == 1, "the upstream's server lines were not found"
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/ssl/certs/dashboard.example.org.pem": str(workdir / "cert.pem"),
        "/etc/ssl/private/dashboard.example.org.key": str(workdir / "key.pem"),
        "/var/log/nginx/alignment-access.log": str(workdir / "access.log"),
        "/var/log/nginx/alignment-error.log": str(workdir / "error.log"),
        "/etc/nginx/snippets/alignment-locations.conf": str(DEPLOY / "alignment-locations.conf"),
    }
    for old, new in replacements.items():
        assert old in site, f"{old!r} is no longer in alignment.conf: update this test"
        site = site.replace(old, new)
    (workdir / "alignment.conf").write_text(site)
    temp = workdir / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the private temp dir
    main = f"""{user}daemon off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    access_log {workdir / "access.log"};
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {workdir / "alignment.conf"};
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(main)
    return path


def _self_signed_certificate(workdir: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(workdir / "key.pem"),
            "-out",
            str(workdir / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def app_process(
    *, port: int, database_url: str, secrets_file: Path, log_dir: Path
) -> Iterator[subprocess.Popen]:
    """`python serve.py app.py` as the README's operations section starts it, on loopback."""
    log_path = log_dir / f"app-{port}.log"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_SERVER_BASE_URL_PATH": BASE_PATH,
    }
    command = [
        sys.executable,
        "serve.py",
        "app.py",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        f"--secrets.files={secrets_file}",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"http://127.0.0.1:{port}/{BASE_PATH}/_stcore/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"app on {port} did not start:\n{log_path.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.5)
        yield process
    finally:
        _stop(process)


@contextmanager
def nginx_process(config: Path, workdir: Path) -> Iterator[subprocess.Popen]:
    test = subprocess.run(
        [NGINX, "-t", "-c", str(config), "-p", str(workdir), "-e", str(workdir / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert test.returncode == 0, test.stderr
    with (workdir / "nginx.out").open("wb") as out:
        process = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(workdir), "-e", str(workdir / "error.log")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        _stop(process)


def _upstream_of_last_page_request(access_log: Path) -> str:
    """The app process (host:port) that answered the browser's most recent request."""
    lines = [line for line in access_log.read_text().splitlines() if "upstream=127.0.0.1:" in line]
    assert lines, "nginx logged no proxied request"
    # "a, b" when nginx tried a dead process first: the last one answered.
    return re.search(r"upstream=(.*?) rt=", lines[-1]).group(1).split(", ")[-1].strip()


def test_proxy_replicas_failover_keeps_view_sign_in_and_data(
    browser, tmp_path: Path, output_dir: Path
) -> None:
    _require_nginx()
    _require_provider()
    database_url = make_database_url("postgresql", tmp_path)
    https_port, http_port, provider_port = free_port(), free_port(), free_port()
    app_ports = [free_port(), free_port()]
    base = f"https://localhost:{https_port}/{BASE_PATH}"
    provider_url = f"http://localhost:{provider_port}"
    with ExitStack() as stack:
        stack.callback(_drop_pg_database, database_url)
        engine = create_db_engine(database_url)
        stack.callback(engine.dispose)
        upgrade_schema(engine)
        seed_demo(engine)

        command = [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--port",
            str(provider_port),
            "--user-claims",
            json.dumps(PEOPLE["cio"]),
        ]
        with (tmp_path / "provider.log").open("wb") as log:
            provider = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        stack.callback(_stop, provider)
        _wait_for(f"{provider_url}/.well-known/openid-configuration", provider, tmp_path / "provider.log")

        secrets = auth_secrets(
            redirect_uri=f"{base}/oauth2callback",
            server_metadata_url=f"{provider_url}/.well-known/openid-configuration",
        )
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(to_toml(secrets))
        apps = {
            f"127.0.0.1:{port}": stack.enter_context(
                app_process(port=port, database_url=database_url, secrets_file=secrets_file, log_dir=tmp_path)
            )
            for port in app_ports
        }
        _self_signed_certificate(tmp_path)
        config = render_nginx_config(
            workdir=tmp_path, https_port=https_port, http_port=http_port, app_ports=app_ports
        )
        stack.enter_context(nginx_process(config, tmp_path))
        deadline = time.monotonic() + 30
        while not (tmp_path / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.2)

        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1440, "height": 900})
        stack.callback(context.close)
        page = context.new_page()

        # Sign in through the proxy: the provider redirects back to /alignment/oauth2callback.
        page.goto(f"{base}/?lang=en")
        wait_for_app(page)
        # The sign-in page, which the accessibility test (local mode) never sees, passes axe too.
        assert blocking(axe_violations(page)) == []
        page.get_by_role("button", name=translate("auth.sign_in", "en")).click()
        page.wait_for_url(f"{provider_url}/**")
        page.locator(f"button[name='sub'][value='{PEOPLE['cio']['sub']}']").click()
        page.wait_for_url(f"{base}/**")
        wait_for_app(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text(PEOPLE["cio"]["name"]).first.wait_for()
        assert any(c["name"] == "alignment_route" for c in context.cookies()), "no affinity cookie"

        # The steering page, with an earlier as-of month chosen in the sidebar.
        page.goto(f"{base}/steering?lang=en")
        wait_for_app(page)
        sidebar.locator("[data-testid='stSelectbox']").first.click()
        options = page.locator("[role='listbox'] [role='option']")
        options.nth(2).wait_for()
        chosen = options.nth(2).inner_text().strip()
        options.nth(2).click()
        page.wait_for_timeout(500)
        wait_for_app(page)
        asof = re.search(r"[?&]asof=([0-9-]+)", page.url)
        assert asof, page.url
        form = page.locator("[data-testid='stForm']", has_text="Record decision")
        form.get_by_label("Title").fill(DECISION)
        # Recording into another month than the current meeting asks for a confirmation first.
        confirm = form.get_by_text("Yes, record into the meeting of")
        if confirm.count():
            confirm.first.click()
        form.get_by_role("button", name="Record decision").click()
        page.locator("[data-testid='stAlertContentSuccess']").wait_for(timeout=60_000)
        page.locator("td", has_text=DECISION).first.wait_for(state="attached", timeout=60_000)
        url_before = page.url

        # Kill the process that serves this browser (as a crash would: no clean shutdown).
        serving = _upstream_of_last_page_request(tmp_path / "access.log")
        assert serving in apps, serving
        apps[serving].send_signal(signal.SIGKILL)
        apps[serving].wait(timeout=30)

        # The page reconnects through nginx to the other process and rebuilds the same view.
        page.wait_for_timeout(1000)
        wait_for_app(page, timeout_ms=180_000)
        page.locator("td", has_text=DECISION).first.wait_for(state="attached", timeout=120_000)
        assert page.url == url_before
        assert sidebar.get_by_text(PEOPLE["cio"]["name"]).count() >= 1, "signed out by the failover"
        as_of_box = sidebar.locator("[data-testid='stSelectbox']").first
        shown = (
            as_of_box.inner_text()
            + " "
            + " ".join(box.input_value() for box in as_of_box.locator("input").all())
        )
        assert chosen in shown, (chosen, shown)
        assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip() == translate(
            "steering.title", "en"
        )
        page.screenshot(path=str(output_dir / "proxy-after-failover.png"), full_page=True)
        # ... and nginx has indeed served it from the other process since.
        page.reload()
        wait_for_app(page)
        now_serving = _upstream_of_last_page_request(tmp_path / "access.log")
        assert now_serving in apps and now_serving != serving, (serving, now_serving)
        page.locator("td", has_text=DECISION).first.wait_for(state="attached", timeout=120_000)
