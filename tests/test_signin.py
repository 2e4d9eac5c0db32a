"""Sign-in that fails closed (issue 8, item 4), in ``AppTest``: a broken ``secrets.toml`` stops the
app, local mode is a setting, the local administrator cannot be claimed through the identity
provider, an unverified e-mail or a token for another client is refused, and an unregistered
person is refused unless a setting lets them read. At the end, through ``streamlit run`` in
Chromium: local mode's Host check against a DNS-rebinding name, and a broken file. (A real
provider: ``test_browser_oidc.py``.)"""

import logging
import re
from pathlib import Path

import pytest
import streamlit as st
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from kpicore import access, store
from kpicore.access import PermissionDenied
from tests.browser import CHROMIUM, CHROMIUM_ARGS, open_page, streamlit_server
from tests.entry import ADMIN, AUTH, OWNER, SIGNED_IN_ADMIN, STRANGER, VIEWER, writable_db

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = Path(__file__).resolve().parent.parent / "pages"
HEAD = SIGNED_IN_ADMIN  # a registered administrator who signs in
ADMIN_PAGES = {"users", "locks", "catalogue"}


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    store.save_user(path, HEAD, role="admin", name="Hana Head", user=ADMIN)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


@pytest.fixture
def secrets_file(tmp_path):
    """Point Streamlit's ``secrets.files`` at a file of the test's own (restored afterwards)."""
    before = st.get_option("secrets.files")
    path = tmp_path / "secrets.toml"
    st.config.set_option("secrets.files", [str(path)])
    yield path
    st.config.set_option("secrets.files", before)


def run(email: str | None = None, auth: dict | None = None, kpi: dict | None = None, **claims) -> AppTest:
    """The app with ``[auth]`` (and ``[kpi]``) as its secrets, signed in as ``email`` if given."""
    at = AppTest.from_file(APP, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    if kpi is not None:
        at.secrets["kpi"] = kpi
    if email is not None:
        at.user = {"is_logged_in": True, "email": email, "name": "Someone", **claims}
    elif auth is not None:
        at.user = {"is_logged_in": False}
    return at.run()


def offered(at: AppTest) -> set[str]:
    """The pages the navigation offers (``AppTest.switch_page`` refuses any other)."""
    found = set()
    for script in sorted(PAGES.glob("*.py")):
        try:
            at.switch_page(f"pages/{script.name}")
        except ValueError:
            continue
        found.add(script.stem)
    return found


def said(at: AppTest) -> str:
    """Everything the page says in text, as people read it (Markdown escapes removed)."""
    parts = [e.value for kind in ("title", "error", "warning", "info", "markdown", "caption", "success")
             for e in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def only_an_error(at: AppTest) -> str:
    """The one thing a refusing app shows: a single error and nothing else (no page, no button)."""
    assert not at.exception
    assert len(at.error) == 1, said(at)
    for kind in ("title", "markdown", "caption", "button", "dataframe", "metric", "warning", "info", "success"):
        assert not getattr(at, kind), f"{kind} shown besides the error"
    assert offered(at) == set()
    return at.error[0].value.replace("\\", "")


# --- a broken secrets.toml: the app refuses to run (never local mode) -------------------------


def test_an_unparseable_secrets_file_stops_the_app_naming_the_file_and_line(db, secrets_file, caplog):
    secrets_file.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        at = run()
    message = only_an_error(at)
    assert str(secrets_file) in message and "line 2" in message
    assert "Local mode" not in said(at)
    assert any(str(secrets_file) in record.getMessage() for record in caplog.records)


COMPLETE = {**AUTH}
NAMED = {key: AUTH[key] for key in ("redirect_uri", "cookie_secret")} | {
    "microsoft": {key: AUTH[key] for key in ("client_id", "client_secret", "server_metadata_url")}
}


def without(section: dict, key: str) -> dict:
    return {k: v for k, v in section.items() if k != key}


BROKEN = [  # an [auth] (or [kpi]) section that is incomplete or wrong → the key named in the error
    (without(COMPLETE, "redirect_uri"), None, "auth.redirect_uri"),
    (without(COMPLETE, "cookie_secret"), None, "auth.cookie_secret"),
    (without(COMPLETE, "client_id"), None, "auth.client_id"),
    (without(COMPLETE, "client_secret"), None, "auth.client_secret"),
    (without(COMPLETE, "server_metadata_url"), None, "auth.server_metadata_url"),
    ({**COMPLETE, "redirect_uri": "http://localhost:8501/callback"}, None, "auth.redirect_uri"),
    ({**COMPLETE, "redirect_uri": "https://localhost:8501/oauth2callback/"}, None, "auth.redirect_uri"),
    ({**COMPLETE, "redirect_uri": "http://performance.example.gov.uk/oauth2callback"}, None, "auth.redirect_uri"),
    ({**COMPLETE, "redirect_uri": "not a url"}, None, "auth.redirect_uri"),
    ({**COMPLETE, "cookie_secret": "short"}, None, "auth.cookie_secret"),
    ({**COMPLETE, "client_id": ""}, None, "auth.client_id"),
    ({**COMPLETE, "server_metadata_url": "http://login.example.com/.well-known/openid-configuration"}, None,
     "auth.server_metadata_url"),
    ({**COMPLETE, "redirect_url": "http://localhost:8501/oauth2callback"}, None, "auth.redirect_url"),
    ({**NAMED, "microsoft": without(NAMED["microsoft"], "client_secret")}, None, "auth.microsoft.client_secret"),
    ({**NAMED, "google": NAMED["microsoft"]}, None, "auth"),
    ({**NAMED, "client_id": "both"}, None, "auth.client_id"),
    (COMPLETE, {"unregistered": "everyone"}, "kpi.unregistered"),
    (COMPLETE, {"contact": "the performance team"}, "kpi.contact"),
    (COMPLETE, {"unregistred": "viewer"}, "kpi.unregistred"),
]


@pytest.mark.parametrize(("auth", "kpi", "key"), BROKEN, ids=[key for *_, key in BROKEN])
def test_an_incomplete_or_wrong_auth_section_stops_the_app_naming_the_key(db, auth, kpi, key):
    for email in (None, OWNER):  # nobody signed in yet, or someone already signed in
        message = only_an_error(run(email, auth=auth, kpi=kpi))
        assert f"`{key}`" in message and ".streamlit/secrets.toml" in message


def test_a_typo_in_the_section_name_stops_the_app_instead_of_falling_back_to_local_mode(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["aut"] = COMPLETE
    message = only_an_error(at.run())
    assert "`aut`" in message


@pytest.mark.parametrize("auth", [COMPLETE, NAMED], ids=["default provider", "named provider"])
def test_a_complete_auth_section_offers_sign_in(db, auth):
    at = run(auth=auth)
    assert not at.exception and [b.label for b in at.button] == ["Sign in"]
    assert "Local mode" not in said(at)


# --- local mode is a setting, on loopback only ---------------------------------------------------


def test_without_sign_in_or_local_mode_a_page_says_how_to_configure_either(db, monkeypatch):
    monkeypatch.delenv("KPI_LOCAL_MODE", raising=False)
    at = run()
    assert not at.exception and not at.dataframe and not at.button
    assert offered(at) == set()
    text = said(at)
    assert "KPI_LOCAL_MODE=1" in text and "[auth]" in text and "Local mode:" not in text


@pytest.mark.parametrize("value", ["0", "", "yes", "true"])
def test_local_mode_is_on_only_when_the_setting_says_1(db, monkeypatch, value):
    monkeypatch.setenv("KPI_LOCAL_MODE", value)
    at = run()
    assert offered(at) == set() and "Local mode:" not in said(at)


def test_local_mode_when_the_setting_is_on(db):
    at = run()
    assert "Local mode: you are the administrator admin@localhost" in said(at)
    assert ADMIN_PAGES <= offered(at)


def test_local_mode_needs_the_server_bound_to_loopback(db):
    before = st.get_option("server.address")
    st.config.set_option("server.address", "0.0.0.0")
    try:
        at = run()
    finally:
        st.config.set_option("server.address", before)
    assert "local mode is only allowed when the app listens on 127.0.0.1" in said(at)
    assert offered(at) == set()


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [({"Host": "127.0.0.1:8501"}, True), ({"host": "localhost"}, True), ({"Host": "LOCALHOST:9"}, True),
     ({"Host": "[::1]:8501"}, True), ({}, True),  # {}: no HTTP request at all (AppTest, bare mode)
     ({"Host": "rebind.example:8501"}, False), ({"Host": "127.0.0.1.rebind.example"}, False),
     ({"Host": "127.0.0.2:8501"}, False), ({"Host": "0.0.0.0:8501"}, False), ({"Host": "::1"}, False),
     ({"Host": "localhost:8501:1"}, False), ({"Host": "localhost:abc"}, False), ({"Host": ""}, False),
     ({"Upgrade": "websocket"}, False)],  # a request without a Host header
)
def test_local_mode_answers_only_a_loopback_host(headers, allowed):
    from ui import identity

    assert identity.loopback_request(headers) is allowed


# --- with sign-in configured: the local administrator is never used -------------------------------


@pytest.mark.parametrize("email", ["admin@localhost", " Admin@LocalHost ", "ADMIN@LOCALHOST"])
def test_the_local_administrator_cannot_be_claimed_through_the_provider(db, email):
    at = run(email, auth=COMPLETE)
    assert not at.exception and offered(at) == set()
    text = said(at)
    assert "admin@localhost" in text and "cannot sign in" in text
    assert "Local mode" not in text and "Signed in as" not in text
    assert [b.label for b in at.button] == ["Sign out"]


def test_the_local_administrator_is_not_used_when_sign_in_is_configured(db):
    at = run(auth=COMPLETE)  # KPI_LOCAL_MODE=1 as well (tests/conftest.py): sign-in wins
    assert [b.label for b in at.button] == ["Sign in"] and offered(at) == set()
    assert "Local mode" not in said(at)


def test_no_e_mail_from_the_provider_is_refused(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = COMPLETE
    at.user = {"is_logged_in": True, "sub": "12345"}
    at.run()
    assert offered(at) == set() and "did not give an e-mail address" in said(at)
    assert [b.label for b in at.button] == ["Sign out"]


# --- email_verified, where the provider sends it ------------------------------------------------


@pytest.mark.parametrize("verified", [False, "false", "False", " FALSE", 0, None, "no"])
def test_an_unverified_e_mail_is_refused(db, verified):
    at = run(OWNER, auth=COMPLETE, email_verified=verified)
    assert not at.exception and offered(at) == set()
    text = said(at)
    assert "not verified" in text and "Signed in as" not in text
    assert [b.label for b in at.button] == ["Sign out"]


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_a_verified_e_mail_signs_in(db, verified):
    at = run(OWNER, auth=COMPLETE, email_verified=verified)
    assert {"submit", "upload"} <= offered(at) and "Signed in as" in said(at)


# --- an ID token for another client (aud), where Authlib lets it through (azp names us) -----------


@pytest.mark.parametrize(
    ("aud", "allowed"),
    [("another-client", False), (["another-client"], False), ([], False), ("", False),
     (AUTH["client_id"], True), ([AUTH["client_id"]], True), (["another-client", AUTH["client_id"]], True)],
)
def test_an_id_token_for_another_client_is_refused(db, aud, allowed):
    at = run(OWNER, auth=COMPLETE, aud=aud, azp=AUTH["client_id"])
    assert not at.exception
    if allowed:
        assert {"submit", "upload"} <= offered(at)
    else:
        assert offered(at) == set() and "issued for another application" in said(at)
        assert [b.label for b in at.button] == ["Sign out"]


def test_the_audience_is_checked_against_a_named_provider_s_client_id(db):
    assert offered(run(OWNER, auth=NAMED, aud=AUTH["client_id"])) >= {"submit"}
    assert offered(run(OWNER, auth=NAMED, aud="another-client")) == set()


# --- an unregistered person: refused by default, or a viewer by setting --------------------------


def test_an_unregistered_person_is_refused_by_default_naming_whom_to_ask(db):
    at = run(STRANGER, auth=COMPLETE)
    assert not at.exception and offered(at) == set() and not at.dataframe
    text = said(at)
    assert STRANGER in text and "not registered" in text and HEAD in text
    assert "admin@localhost" not in text
    assert [b.label for b in at.button] == ["Sign out"]


def test_the_refusal_names_the_configured_contact(db):
    at = run(STRANGER, auth=COMPLETE, kpi={"unregistered": "refuse", "contact": "Performance@Council.gov.uk"})
    text = said(at)
    assert "performance@council.gov.uk" in text and HEAD not in text


def test_the_refusal_when_no_administrator_is_registered_yet(tmp_path, monkeypatch):
    path = writable_db(tmp_path)  # only the local administrator is an administrator here
    monkeypatch.setenv("KPI_DB", str(path))
    text = said(run(STRANGER, auth=COMPLETE))
    assert "not registered" in text and "admin@localhost" not in text and "users add" in text


def test_an_unregistered_person_reads_as_a_viewer_when_the_setting_says_so(db):
    at = run(STRANGER, auth=COMPLETE, kpi={"unregistered": "viewer"})
    assert not at.exception
    assert offered(at) == {"overview", "scorecard", "explorer", "about", "returns", "history"}
    assert "Signed in as" in said(at) and "viewer." in said(at)


@pytest.mark.parametrize(("email", "pages"), [(VIEWER, set()), (OWNER, {"submit", "upload"}), (HEAD, ADMIN_PAGES | {"submit", "upload"})])
def test_registered_people_sign_in_with_their_role(db, email, pages):
    at = run(email, auth=COMPLETE)
    assert not at.exception
    assert offered(at) & (ADMIN_PAGES | {"submit", "upload"}) == pages


# --- the rule itself (kpicore.access) ----------------------------------------------------------


def test_provider_claims_rule():
    assert access.provider_email({"email": " Olive@Council.GOV.uk ", "email_verified": True}) == "olive@council.gov.uk"
    assert access.provider_email({"preferred_username": OWNER}) == OWNER
    for claims in ({"email": "admin@localhost"}, {"email": OWNER, "email_verified": "false"}, {"sub": "x"},
                   {"email": "not an e-mail"}, {"email": OWNER, "email_verified": None}):
        with pytest.raises(PermissionDenied):
            access.provider_email(claims)
    assert access.provider_email({"email": OWNER, "aud": ["a", "b"]}, client_id="b") == OWNER
    for aud in ("a", ["a"], None, 5):
        with pytest.raises(PermissionDenied, match="another application"):
            access.provider_email({"email": OWNER, "aud": aud}, client_id="b")


# --- through streamlit run, in Chromium ----------------------------------------------------------------


@pytest.mark.browser
def test_local_mode_refuses_a_dns_rebinding_host(browser, shipped_db):
    """A page on another site whose name is made to resolve to 127.0.0.1 (here Chromium's own
    resolver rule, so nothing leaves the machine) reaches the server with its own name as Host."""
    rebinding = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.example 127.0.0.1"]
    )
    try:
        page = rebinding.new_page()
        page.errors = []
        with streamlit_server(shipped_db) as url:  # local mode, as make run
            port = url.rsplit(":", 1)[1]
            open_page(page, f"http://rebind.example:{port}/users")
            expect(page.get_by_text("This app runs in local mode, which answers only at 127.0.0.1")).to_be_visible()
            expect(page.get_by_text("rebind.example:" + port)).to_be_visible()
            for hidden in ("Users", "Local mode: you are", "Overview"):
                expect(page.get_by_text(hidden)).to_have_count(0)
            expect(page.get_by_test_id("stTopNav")).to_have_count(0)
            for name in ("localhost", "127.0.0.1"):
                open_page(page, f"http://{name}:{port}/users")
                expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
                expect(page.get_by_text("Local mode: you are the administrator admin@localhost")).to_be_visible()
    finally:
        rebinding.close()


@pytest.mark.browser
def test_a_broken_secrets_file_with_local_mode_on_shows_only_the_error(page, shipped_db):
    """An operator's typo in secrets.toml, with KPI_LOCAL_MODE=1 as make run sets it: never local mode."""
    broken = '[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback\ncookie_secret = "x"\n'
    with streamlit_server(shipped_db, secrets=broken, local_mode=True) as url:
        for path in ("/", "/users", "/scorecard"):
            open_page(page, url + path)
            alert = page.get_by_test_id("stAlert")
            expect(alert).to_contain_text("Sign-in is misconfigured, so the app will not run.")
            expect(alert).to_contain_text(re.compile(r"/kpi-secrets-\w+/secrets\.toml is not valid TOML"))
            expect(alert).to_contain_text("line 2")
            expect(page.locator("[data-testid=stMain] [data-testid=stElementContainer]")).to_have_count(1)
            expect(page.get_by_test_id("stTopNav")).to_have_count(0)
            expect(page.get_by_text("Local mode")).to_have_count(0)
