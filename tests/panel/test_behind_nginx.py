"""The panel behind the image's own nginx site (real nginx, a throwaway certificate) served as the image's unit
serves it: Secure cookies, HSTS, and the login limit counted per real client address, which no client forges."""

import http.client
import re
import shutil
import socket
import ssl
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.panel.servers import REPO, free_port, image_serve_options, served_panel

SITE = REPO / "live-build/config/includes.chroot/etc/nginx/sites-available/sigmavault"
ATTEMPTS_PER_ADDRESS = 20   # config.DEFAULTS["LOGIN_ATTEMPTS_PER_WINDOW"]

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "panel.pem", folder / "panel.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def image_site_on(http_port: int, https_port: int, panel_port: int, cert: Path, key: Path) -> str:
    """The image's site file with its addresses, ports and certificate moved; every edit must find its text."""
    text = SITE.read_text()
    for old, new in [("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
                     ("listen [::]:80 default_server;", ""),
                     ("listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;"),
                     ("listen [::]:443 ssl default_server;", ""),
                     ("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(cert)),
                     ("/etc/ssl/private/ssl-cert-snakeoil.key", str(key)),
                     ("127.0.0.1:8080", f"127.0.0.1:{panel_port}")]:
        assert old in text, f"the image's nginx site no longer has {old!r}: update this test"
        text = text.replace(old, new)
    return text


@dataclass
class Front:
    https_port: int
    http_port: int
    cert: Path
    panel_port: int


@pytest.fixture
def front(tmp_path: Path):
    """The panel as the image's unit runs it, behind nginx with the image's site; both stopped afterwards."""
    cert, key = self_signed_certificate(tmp_path)
    with served_panel(tmp_path, *image_serve_options()) as panel:
        http_port, https_port = free_port(), free_port()
        (tmp_path / "site.conf").write_text(image_site_on(http_port, https_port, panel.port, cert, key))
        temp = {name: tmp_path / "nginx" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for folder in temp.values():
            folder.mkdir(parents=True)
        (tmp_path / "nginx.conf").write_text(
            f"user root;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
            "events { worker_connections 512; }\nhttp {\n"
            f"  access_log {tmp_path}/access.log;\n"
            + "".join(f"  {name}_temp_path {folder};\n" for name, folder in
                      [("client_body", temp["body"]), *[(n, temp[n]) for n in ("proxy", "fastcgi", "uwsgi", "scgi")]])
            + f"  include {tmp_path}/site.conf;\n}}\n")
        # nginx returns once its sockets listen (it daemonizes after binding): no waiting needed after it.
        started = subprocess.run(["nginx", "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
                                 capture_output=True, text=True)
        assert started.returncode == 0, started.stderr + (tmp_path / "error.log").read_text()
        try:
            yield Front(https_port, http_port, cert, panel.port)
        finally:
            subprocess.run(["nginx", "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf"),
                            "-s", "stop"], capture_output=True)


@dataclass
class Browser:
    """A client on its own loopback address that keeps the panel's cookie, like one browser."""
    port: int
    source: str
    cafile: Path | None = None
    cookie: str | None = None
    csrf: str | None = None
    last: dict = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        if self.cafile is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.source, 0))
        else:
            context = ssl.create_default_context(cafile=str(self.cafile))
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60, context=context,
                                                     source_address=(self.source, 0))
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = self.cookie
        body = None
        if form is not None:
            body, sent["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        self.last = {"status": response.status, "headers": response.headers, "text": text}
        return response.status

    def sign_in(self, user: str, password: str, headers: dict | None = None) -> int:
        if self.csrf is None:
            self.request("GET", "/login")
        return self.request("POST", "/login", {"username": user, "password": password, "csrf_token": self.csrf},
                            headers)


def test_through_nginx_the_session_cookie_is_secure_and_http_only_and_hsts_is_sent(front):
    browser = Browser(front.https_port, "127.0.0.2", front.cert)
    assert browser.request("GET", "/login") == 200
    cookie = browser.last["headers"]["Set-Cookie"]
    assert cookie.startswith("sigmavault_session=") and "; Secure" in cookie and "; HttpOnly" in cookie
    assert browser.last["headers"]["Strict-Transport-Security"] == "max-age=31536000"
    plain = Browser(front.http_port, "127.0.0.2")
    assert plain.request("GET", "/login") == 301
    assert plain.last["headers"]["Location"] == "https://127.0.0.1/login"


def test_the_login_limit_counts_each_real_client_and_a_forged_forwarded_for_buys_nothing(front):
    first = Browser(front.https_port, "127.0.0.2", front.cert)
    second = Browser(front.https_port, "127.0.0.3", front.cert)
    for n in range(ATTEMPTS_PER_ADDRESS):   # an empty password never reaches PAM, but counts as an attempt
        assert first.sign_in(f"nobody{n}", "") == 401
    assert first.sign_in("nobody", "") == 429
    assert "too many login attempts from this address" in first.last["text"]
    # nginx appends the real address after whatever the client sent; the panel believes only that last hop.
    assert first.sign_in("nobody", "", headers={"X-Forwarded-For": "127.0.0.77"}) == 429
    assert first.sign_in("nobody", "", headers={"X-Forwarded-For": "127.0.0.3, 127.0.0.78"}) == 429
    assert second.sign_in("nobody", "") == 401   # another client still has its own budget
    pretender = Browser(front.https_port, "127.0.0.4", front.cert)
    assert pretender.sign_in("nobody", "", headers={"X-Forwarded-For": "127.0.0.2"}) == 401   # not first's budget


def test_a_client_reaching_the_panel_directly_cannot_choose_its_address(front):
    """The unit trusts one hop only from nginx's own address: from anywhere else X-Forwarded-For is dropped."""
    direct = Browser(front.panel_port, "127.0.0.5")
    for n in range(ATTEMPTS_PER_ADDRESS):
        assert direct.sign_in(f"nobody{n}", "", headers={"X-Forwarded-For": f"127.0.1.{n}"}) == 401
    assert direct.sign_in("nobody", "", headers={"X-Forwarded-For": "127.0.1.200"}) == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_path):
    with served_panel(tmp_path) as panel:
        direct = Browser(panel.port, "127.0.0.1")
        assert direct.request("GET", "/login", headers={"X-Forwarded-Proto": "https"}) == 200
        assert "; Secure" not in direct.last["headers"]["Set-Cookie"]   # a forged https is not believed
        for n in range(ATTEMPTS_PER_ADDRESS):
            assert direct.sign_in(f"nobody{n}", "", headers={"X-Forwarded-For": f"127.0.1.{n}",
                                                              "X-Forwarded-Proto": "https"}) == 401
        assert direct.sign_in("nobody", "", headers={"X-Forwarded-For": "127.0.1.200"}) == 429


def test_idle_connections_to_nginx_do_not_lock_out_the_panel(front):
    with ExitStack() as stack:
        for _ in range(150):   # more than waitress's default connection limit; they never send a request
            stack.enter_context(socket.create_connection(("127.0.0.1", front.https_port), timeout=60))
        assert Browser(front.https_port, "127.0.0.6", front.cert).request("GET", "/api/v1/health/live") == 200
