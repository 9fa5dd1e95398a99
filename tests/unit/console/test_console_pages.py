"""The console's serving function: content types, headers, config.json, traversal, binary assets."""

import base64
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


@pytest.fixture
def pages(monkeypatch):
    spec = importlib.util.spec_from_file_location("console_pages_under_test",
                                                  ROOT / "functions/console/console_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("AWS_REGION", "ap-southeast-7")
    return module


def test_the_console_index_is_html_not_cached_with_a_strict_csp(pages):
    """GIVEN /console/ WHEN served THEN index.html as HTML, no-cache, a strict CSP and nosniff."""
    answer = pages.serve("/console/")
    headers = answer["headers"]
    assert answer["statusCode"] == 200 and "<script type=\"module\" src=\"js/app.js\">" in answer["body"]
    assert headers["content-type"].startswith("text/html") and headers["cache-control"] == "no-cache"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp and "https://cognito-idp.ap-southeast-7.amazonaws.com" in csp
    assert "unsafe-inline" not in csp and headers["x-content-type-options"] == "nosniff"


def test_console_without_slash_redirects_so_relative_links_work(pages):
    """GIVEN /console WHEN served THEN 301 to /console/."""
    answer = pages.serve("/console")
    assert answer["statusCode"] == 301 and answer["headers"]["location"] == "/console/"


def test_the_dashboard_index_is_html_under_the_same_csp_and_redirects_without_slash(pages):
    """GIVEN /dashboard/ and /dashboard WHEN served THEN its index.html (Thai first, its module script, no
    inline script or style) under the console's CSP, OSM tiles allowed for its map; /dashboard is a 301 to
    /dashboard/."""
    answer = pages.serve("/dashboard/")
    body = answer["body"]
    assert answer["statusCode"] == 200 and answer["headers"]["content-type"].startswith("text/html")
    assert '<html lang="th">' in body and '<script type="module" src="dashboard.js"></script>' in body
    assert "<style" not in body and "style=" not in body and body.count("<script") == 1
    csp = answer["headers"]["content-security-policy"]
    assert "script-src 'self';" in csp and "https://*.tile.openstreetmap.org" in csp and "unsafe-inline" not in csp
    redirect = pages.serve("/dashboard")
    assert redirect["statusCode"] == 301 and redirect["headers"]["location"] == "/dashboard/"


@pytest.mark.parametrize("path, kind", [("/console/js/app.js", "text/javascript"), ("/console/console.css", "text/css"),
                                        ("/dashboard/dashboard.js", "text/javascript"), ("/dashboard/dashboard.css", "text/css"),
                                        ("/console/vendor/leaflet/leaflet.css", "text/css"),
                                        ("/dashboard/vendor/chartjs/chart.umd.js", "text/javascript")])
def test_assets_have_their_type_and_a_short_cache(pages, path, kind):
    """GIVEN a script or stylesheet (the vendor folder under either site) WHEN served THEN its type, max-age."""
    answer = pages.serve(path)
    assert answer["statusCode"] == 200 and answer["headers"]["content-type"].startswith(kind)
    assert answer["headers"]["cache-control"] == "public, max-age=300"


def test_a_png_is_base64_as_api_gateway_needs(pages):
    """GIVEN Leaflet's marker PNG WHEN served THEN base64 with isBase64Encoded and the PNG's bytes."""
    answer = pages.serve("/console/vendor/leaflet/images/marker-icon.png")
    assert answer["isBase64Encoded"] is True and answer["headers"]["content-type"] == "image/png"
    assert base64.b64decode(answer["body"])[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("path", ["/console/../console_pages.py", "/console/%2e%2e/console_pages.py",
                                  "/console/vendor/../../console_pages.py", "/console/js/../../../console_pages.py",
                                  "/console/nope.js", "/dashboard/.gitkeep", "/other/index.html", "/console/.hidden"])
def test_traversal_and_unknown_files_are_404(pages, path):
    """GIVEN a path outside the site, hidden or unknown WHEN served THEN 404, never the function's code."""
    assert pages.serve(path)["statusCode"] == 404


def test_config_on_the_local_stack_lists_demo_staff_of_both_agencies(pages, monkeypatch):
    """GIVEN AWS_ENDPOINT_URL on 127.0.0.1 WHEN config.json is read THEN local auth, the token URL and a demo
    staff member for each role of each demo agency."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    answer = pages.serve("/console/config.json")
    config = json.loads(answer["body"])
    assert answer["headers"]["cache-control"] == "no-cache"
    assert config["auth"] == "local" and config["token_url"] == "/_local/token"
    assert {(s["agency"], s["role"]) for s in config["staff"]} == {
        (a, r) for a in ("demo-municipality", "other-city") for r in ("officer", "supervisor", "admin")}
    assert all(s["name"] for s in config["staff"])


def test_config_in_aws_names_the_cognito_pool(pages, monkeypatch):
    """GIVEN no local endpoint WHEN config.json is read THEN cognito with the region, pool and client."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("CONSOLE_USER_POOL_ID", "ap-southeast-7_abc")
    monkeypatch.setenv("CONSOLE_CLIENT_ID", "client123")
    config = json.loads(pages.serve("/console/config.json")["body"])
    assert config == {"auth": "cognito", "region": "ap-southeast-7", "user_pool_id": "ap-southeast-7_abc",
                      "client_id": "client123"}


def _img_src(pages) -> list[str]:
    csp = pages.serve("/console/")["headers"]["content-security-policy"]
    (img,) = [part.split()[1:] for part in csp.split(";") if part.split()[:1] == ["img-src"]]
    return img


def test_on_aws_images_may_come_from_the_chat_media_bucket_only(pages, monkeypatch):
    """GIVEN the deployed console (no local endpoint) and the chat media bucket's name WHEN a page is served
    THEN img-src allows that bucket's S3 hosts (where the chats' photo links point) besides the console and the
    map tiles, and no other S3 host or bucket."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHAT_MEDIA_BUCKET", "civic-chat-media-123")
    assert _img_src(pages) == ["'self'", "data:", "blob:", "https://*.tile.openstreetmap.org",
                               "https://civic-chat-media-123.s3.amazonaws.com",
                               "https://civic-chat-media-123.s3.ap-southeast-7.amazonaws.com"]


def test_on_the_local_stack_images_may_come_from_its_s3_server(pages, monkeypatch):
    """GIVEN the local stack's S3 (moto) endpoint WHEN a page is served THEN img-src allows that origin (the
    chats' photo links are presigned on it), not a wildcard; without a bucket or an endpoint, no S3 host."""
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5123")
    assert _img_src(pages)[4:] == ["http://127.0.0.1:5123"]
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.delenv("CHAT_MEDIA_BUCKET", raising=False)
    assert _img_src(pages) == ["'self'", "data:", "blob:", "https://*.tile.openstreetmap.org"]
