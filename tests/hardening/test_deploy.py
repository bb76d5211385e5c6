"""Production settings (DJANGO_ENV=production): `check --deploy` passes without warnings; forms work behind a
TLS proxy; pages carry a content security policy; the API docs use no CDN. The demo default stays plain http."""
import os
import re
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from config.security import production_settings
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HOST = "qudao.example.com"
ORIGIN = f"https://{HOST}"
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-" + "Zq8#xW2!vB7@nM4$" * 4,
    "APPROVAL_FORM_KEY": "form-" + "Hy6%tR1^cV9&" * 4,
    "ALLOWED_HOSTS": HOST,
    "CSRF_TRUSTED_ORIGINS": ORIGIN,
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def manage(*args, env):
    # what the test run itself sets (e.g. DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests) stays out
    full_env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in TEST_ONLY_ENV}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_in_the_demo_mode():
    result = manage("check", "--deploy", env={})
    assert "security.W004" in result.stdout + result.stderr  # the demo is plain http: no HSTS there


@pytest.mark.parametrize("missing", ["SECRET_KEY", "APPROVAL_FORM_KEY", "ALLOWED_HOSTS"])
def test_production_mode_needs_its_secrets_and_hosts(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0 and missing in result.stderr


def test_unknown_mode_is_refused():
    result = manage("check", env={"DJANGO_ENV": "prod"})
    assert result.returncode != 0 and "DJANGO_ENV" in result.stderr


@pytest.fixture
def production(settings, monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    for name, value in production_settings(environ.Env()).items():
        setattr(settings, name, value)
    return settings


def _proxied(**extra):
    return {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https", **extra}


def test_form_post_works_behind_a_tls_proxy(demo, production):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", **_proxied())
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    token = client.cookies["csrftoken"].value
    assert client.cookies["csrftoken"]["secure"]
    response = client.post("/accounts/login/", {"username": "zz_manager", "password": PASSWORD,
                                                "csrfmiddlewaretoken": token},
                           **_proxied(HTTP_ORIGIN=ORIGIN, HTTP_REFERER=f"{ORIGIN}/accounts/login/"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies["sessionid"]["secure"]
    assert client.get("/", **_proxied()).status_code == 200


def test_a_foreign_origin_is_still_refused(demo, production):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/", **_proxied())
    response = client.post("/accounts/login/", {"username": "zz_manager", "password": PASSWORD,
                                                "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
                           **_proxied(HTTP_ORIGIN="https://evil.example.net"))
    assert response.status_code == 403


def test_plain_http_is_redirected_to_https(demo, production):
    response = Client().get("/accounts/login/", HTTP_HOST=HOST)
    assert response.status_code == 301 and response["Location"] == f"{ORIGIN}/accounts/login/"


def test_demo_mode_stays_plain_http(demo):
    client = Client()
    page = client.get("/accounts/login/")
    assert "Strict-Transport-Security" not in page
    assert not client.cookies["csrftoken"]["secure"]


def test_pages_carry_a_content_security_policy(pages):
    policy = pages("zz_manager").get("/channels/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_no_inline_script_in_templates():
    for template in (ROOT / "templates").rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), template  # CSP: scripts only by src
        assert "javascript:" not in source, template


def test_api_docs_come_from_the_site_itself(api):
    client = api("zz_manager")
    html = client.get("/api/docs/").content.decode()
    assert "Content-Security-Policy" in client.get("/api/docs/")
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/") for url in urls), urls
    assert all(finders.find(url.removeprefix("/static/")) for url in urls if url.startswith("/static/"))
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    script = client.get("/api/docs/", {"script": ""}).content.decode().lower()
    assert "/api/schema/" in script and not re.search(r"cdn|unpkg|jsdelivr|https?://", script)
