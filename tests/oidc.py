"""A real OpenID Connect provider on 127.0.0.1 for the browser tests, and the app's secrets for it.

``oidc-provider-mock`` (pinned in requirements.txt) serves discovery, an authorisation form, a
token endpoint issuing RS256-signed ID tokens, the signing keys and an end-session endpoint. The
tests give it the people who may sign in, each a subject with the claims their ID token carries
(claims other than the standard ones are copied into the token as they are, so ``aud`` can name
another client). It runs in a thread of the test process, on a free loopback port: plain HTTP,
which Authlib accepts for a loopback address.

The browser is kept on this machine too: ``keep_on_this_machine`` aborts every request to any
host but 127.0.0.1 and localhost (the provider's pages link a stylesheet on a CDN, Streamlit's
page icon is fetched from a font server) and records what it stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import werkzeug.serving

CLIENT_ID = "kpi-dashboard"
CLIENT_SECRET = "kpi-dashboard-test-secret"
COOKIE_SECRET = "browser-test-cookie-secret-0123456789abcdef"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@contextmanager
def oidc_provider(people: Mapping[str, Mapping[str, object]]) -> Iterator[str]:
    """Serve ``oidc-provider-mock`` on a free port of 127.0.0.1 with ``people`` (subject → the
    claims of their ID token) one click away on its sign-in form; yield its issuer URL."""
    import oidc_provider_mock  # imported here: only the browser tests need it

    app = oidc_provider_mock.app(
        require_nonce=True,  # Streamlit sends a nonce: make the provider insist on it
        user_claims=[oidc_provider_mock.User(sub=sub, claims=dict(claims)) for sub, claims in people.items()],
    )
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def secrets_toml(app_url: str, issuer: str, kpi: str = "") -> str:
    """The ``secrets.toml`` of an app at ``app_url`` signing in with the provider at ``issuer``:
    the same keys and redirect path as the README's generic OpenID Connect set-up."""
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        + (f"\n[kpi]\n{kpi}" if kpi else "")
    )


def keep_on_this_machine(context) -> list[str]:
    """Abort every request of the browser ``context`` that is not for this machine; return the list
    the aborted URLs are recorded in."""
    stopped: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            stopped.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return stopped
