"""Signing in end to end: ``streamlit run`` with an ``[auth]`` section pointing at a real OpenID
Connect provider on 127.0.0.1 (``tests/oidc.py``), driven in headless Chromium. Nothing is mocked
on the app's side: ``st.login`` redirects to the provider, the person picks who they are on its
form, Authlib exchanges the code and checks the signed ID token, and the app reads ``st.user``.
One provider and one app server for the whole module; no request leaves the machine."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpicore import store
from tests.browser import free_port, open_page, streamlit_server, wait_idle
from tests.entry import ADMIN, OTHER, OWNER, SIGNED_IN_ADMIN, STRANGER, writable_db
from tests.files.make_files import NOT_OWNED, OWNED
from tests.oidc import CLIENT_ID, keep_on_this_machine, oidc_provider, secrets_toml

pytestmark = pytest.mark.browser
# The screenshots of the README: remade in docs/screenshots with KPI_SCREENSHOTS=1, otherwise
# taken in a temporary folder (a test run leaves the checkout as it was).
SHOTS = (Path(__file__).resolve().parent.parent / "docs" / "screenshots" if os.environ.get("KPI_SCREENSHOTS")
         else Path(tempfile.mkdtemp(prefix="kpi-signin-shots-")))
PEOPLE = {  # the subject picked on the provider's form → the claims of the ID token it issues
    "olive": {"email": OWNER, "email_verified": True, "name": "Olive Owner"},
    "hana": {"email": SIGNED_IN_ADMIN, "email_verified": True, "name": "Hana Head"},
    "sam": {"email": STRANGER, "email_verified": True, "name": "Sam Stranger"},
    "mallory": {"email": " Admin@LocalHost ", "email_verified": True, "name": "Mallory"},
    "otto": {"email": OTHER, "email_verified": False, "name": "Otto Other"},
    # ID tokens for another client: Authlib refuses the first (no azp) itself; the second (azp names
    # us) passes Authlib's checks, and the app refuses it (kpicore.access.provider_email)
    "olive-elsewhere": {"email": OWNER, "email_verified": True, "name": "Olive Owner", "aud": "another-client"},
    "olive-via-azp": {"email": OWNER, "email_verified": True, "name": "Olive Owner", "aud": "another-client",
                      "azp": CLIENT_ID},
}
NAV_OWNER = ["Overview", "Scorecard", "Measure explorer", "About", "Submit", "Upload", "Returns", "History"]
NAV_ADMIN = ["Users", "Locked months", "Catalogue"]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = writable_db(tmp_path_factory.mktemp("oidc"))
    store.save_user(path, SIGNED_IN_ADMIN, role="admin", name="Hana Head", user=ADMIN)
    return path


@pytest.fixture(scope="module")
def provider():
    with oidc_provider(PEOPLE) as issuer:
        yield issuer


@pytest.fixture(scope="module")
def app(database, provider):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with streamlit_server(database, secrets=secrets_toml(url, provider), port=port) as served:
        yield served


@pytest.fixture
def visitor(page):
    """A fresh browser page whose requests never leave this machine (``tests/oidc.py``)."""
    page.stopped = keep_on_this_machine(page.context)
    return page


def sign_in(page, app: str, provider: str, who: str, shot: str | None = None) -> None:
    """From the app's sign-in page, through the provider's form as ``who``, back to the app."""
    open_page(page, app)
    expect(page.get_by_text("Sign in with your council account")).to_be_visible()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider}/oauth2/authorize?**")
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    expect(page.get_by_text("kpi-dashboard")).to_be_visible()  # the client asking is ours
    if shot:
        page.screenshot(path=SHOTS / shot, clip={"x": 0, "y": 0, "width": 1280, "height": 320})
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(f"{app}/**")
    wait_idle(page)


def navigation(page) -> list[str]:
    """The titles of every page the navigation offers, those under "Data entry" included."""
    nav = page.get_by_test_id("stTopNav")
    expect(nav).to_be_visible()
    wait_idle(page)
    nav.get_by_text("Data entry", exact=True).click()
    expect(page.get_by_test_id("stTopNavDropdownLink").first).to_be_visible()
    links = page.get_by_test_id("stTopNavLink").or_(page.get_by_test_id("stTopNavDropdownLink"))
    titles = [text.splitlines()[-1].strip() for text in links.all_inner_texts()]
    page.keyboard.press("Escape")
    return titles


def signed_in_cookie(page) -> bool:
    return any(cookie["name"].startswith("_streamlit_user") for cookie in page.context.cookies())


def test_a_data_owner_signs_in_submits_their_measure_and_nothing_else(app, provider, database, visitor, snapshot):
    page = visitor
    sign_in(page, app, provider, "olive", shot="signin-provider.png")
    expect(page.get_by_text("Signed in as Olive Owner (owner@council.gov.uk), data owner.")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_text("Local mode")).to_have_count(0)
    grid = page.locator("[data-testid=stDataFrame]").first
    expect(grid.locator("td").filter(has_text="Response to Risk")).to_have_count(1)  # the table has drawn
    page.screenshot(path=SHOTS / "signin-owner.png")
    assert navigation(page) == NAV_OWNER

    page.get_by_test_id("stTopNav").get_by_text("Data entry", exact=True).click()
    page.get_by_test_id("stTopNavDropdownLink").filter(has_text="Submit").click()
    expect(page.get_by_role("heading", name="Submit monthly figures")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^3 measure\(s\) for Dec-22\."))).to_be_visible()
    wait_idle(page)
    names = snapshot.measures.set_index("measure_id")["name"]
    for measure in OWNED:
        expect(page.get_by_text(names[measure], exact=True)).to_be_visible()
    expect(page.get_by_text(names[NOT_OWNED], exact=True)).to_have_count(0)  # another's measure
    field = page.get_by_label("Dec-22 value").first
    field.fill("91")
    field.press("Enter")
    expect(page.get_by_text("✔ Met", exact=True)).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_text("Saved: 1 new, 0 revised, 0 unchanged.")).to_be_visible()
    versions = store.history(database, period="2022-12")
    assert versions[["measure_id", "value", "recorded_by", "source"]].values.tolist() == [
        [OWNED[0], 91.0, OWNER, "form"]
    ]

    for path, title in [("users", "Users"), ("locks", "Locked months"), ("catalogue", "Catalogue")]:
        page.goto(f"{app}/{path}")  # typed into the address bar: the same cookie, a new session
        wait_idle(page)
        expect(page.get_by_text("Signed in as Olive Owner")).to_be_visible()
        expect(page.get_by_role("heading", name=title, exact=True)).to_have_count(0)
        expect(page.get_by_role("dialog")).to_contain_text("Page not found")  # Streamlit's, for a page not offered
        expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()


def test_an_administrator_reaches_users_locked_months_and_the_catalogue(app, provider, visitor):
    page = visitor
    sign_in(page, app, provider, "hana")
    expect(page.get_by_text(f"Signed in as Hana Head ({SIGNED_IN_ADMIN}), administrator.")).to_be_visible()
    assert navigation(page) == NAV_OWNER + NAV_ADMIN
    for path, title in [("users", "Users"), ("locks", "Locked months"), ("catalogue", "Catalogue")]:
        open_page(page, f"{app}/{path}")
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(page.get_by_text("This page is not available to you")).to_have_count(0)


def test_an_unregistered_person_is_refused_naming_whom_to_ask(app, provider, visitor):
    page = visitor
    sign_in(page, app, provider, "sam")
    refusal = page.get_by_test_id("stAlert")
    expect(refusal).to_contain_text(f"You are signed in as {STRANGER}, but you are not registered")
    expect(refusal).to_contain_text(f"Please ask {SIGNED_IN_ADMIN} to register you")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("admin@localhost")).to_have_count(0)
    expect(page.get_by_text("Local mode")).to_have_count(0)
    expect(page.get_by_test_id("stTopNav")).to_have_count(0)
    expect(page.locator("[data-testid=stDataFrame]")).to_have_count(0)
    page.screenshot(path=SHOTS / "signin-refused.png", clip={"x": 0, "y": 0, "width": 1280, "height": 400})
    open_page(page, f"{app}/scorecard")  # a deep link changes nothing
    expect(page.get_by_test_id("stAlert")).to_contain_text("you are not registered")
    expect(page.get_by_role("heading", name="Scorecard")).to_have_count(0)


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("mallory", "admin@localhost is the local administrator of local mode: it cannot sign in through an "
                 "identity provider"),
     ("otto", f"Your identity provider says your e-mail address {OTHER} is not verified")],
)
def test_the_local_administrator_and_an_unverified_e_mail_are_refused(app, provider, visitor, who, refusal):
    page = visitor
    sign_in(page, app, provider, who)
    expect(page.get_by_test_id("stAlert")).to_contain_text(refusal)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_test_id("stTopNav")).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    open_page(page, f"{app}/users")
    expect(page.get_by_role("heading", name="Users")).to_have_count(0)
    expect(page.get_by_test_id("stAlert")).to_contain_text(refusal)


def test_an_id_token_for_another_client_does_not_sign_in(app, provider, visitor):
    """The provider signs an ID token whose ``aud`` is another client's: Authlib refuses it while
    exchanging the code, Streamlit sets no identity cookie, and the person is back on the
    sign-in page."""
    page = visitor
    sign_in(page, app, provider, "olive-elsewhere")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Sign in with your council account")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert not signed_in_cookie(page)
    open_page(page, f"{app}/submit")
    expect(page.get_by_role("heading", name="Submit monthly figures")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_an_id_token_for_another_client_that_authlib_accepts_is_refused(app, provider, visitor):
    """``aud`` names another client but ``azp`` names ours: Authlib 1.9 accepts that (it checks
    ``aud`` only through ``azp``), Streamlit sets the identity cookie, and the app refuses it."""
    page = visitor
    sign_in(page, app, provider, "olive-via-azp")
    expect(page.get_by_test_id("stAlert")).to_contain_text("Your sign-in was issued for another application")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_test_id("stTopNav")).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    open_page(page, f"{app}/submit")
    expect(page.get_by_role("heading", name="Submit monthly figures")).to_have_count(0)


def test_signing_out_ends_the_session(app, provider, visitor):
    page = visitor
    sign_in(page, app, provider, "olive")
    open_page(page, f"{app}/history")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert signed_in_cookie(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider}/oauth2/end_session?**")  # the provider's own end of the session
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app}/**")
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert not signed_in_cookie(page)

    while page.go_back() is not None:  # back through every page of the app seen before
        if page.url.startswith(app):
            wait_idle(page)
            expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            expect(page.get_by_text("Signed in as")).to_have_count(0)
            expect(page.get_by_role("heading", name="History")).to_have_count(0)
    fresh = page.context.new_page()
    fresh.errors = []
    fresh.on("pageerror", lambda error: fresh.errors.append(str(error)))
    open_page(fresh, f"{app}/history")
    expect(fresh.get_by_role("button", name="Sign in")).to_be_visible()
    expect(fresh.get_by_role("heading", name="History")).to_have_count(0)
