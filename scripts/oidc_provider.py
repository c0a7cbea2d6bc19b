"""A local OpenID Connect provider for trying the portal's sign-in by hand. DEVELOPMENT ONLY:
it signs in whoever types a subject and an email into its page, with no password.

    .venv/bin/python scripts/oidc_provider.py            # http://127.0.0.1:9400
    .venv/bin/python scripts/oidc_provider.py --port 9401

It prints the environment variables that point the portal at it. Its endpoints: a sign-in
page (/authorize: the authorisation-code flow, with PKCE checked when the portal sends it),
/token (id_tokens signed with RS256 by a key made at start), /jwks and /userinfo, and the
discovery document (/.well-known/openid-configuration). The tests use their own copy that
issues codes without a page (tests/portal/oidc_provider.py).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import shlex
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "cica-portal"
CLIENT_SECRET = "local-provider-secret"  # noqa: S105 (a development provider's fixed secret)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Local OpenID Connect provider</title></head><body>
<h1>Local OpenID Connect provider (development only)</h1>
<p>Sign in as any identity: the portal lets it in only if a superuser linked it to an
account (admin, "OpenID Connect identities", issuer <code>{issuer}</code>).</p>
<form method="post" action="/authorize">
{hidden}
<p><label>Subject <input name="sub" value="local-0001" required></label></p>
<p><label>Email <input name="email" type="email" value="fp-kz@kz.cica.example"></label></p>
<p><label><input type="checkbox" name="email_verified" value="1" checked>
The provider asserts this email as verified</label></p>
<p><button type="submit">Sign in</button></p>
</form></body></html>"""

PASSED_ON = (
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


class LocalProvider:
    def __init__(self, port: int) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.url = f"http://127.0.0.1:{port}"
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}

    def environment(self) -> dict[str, str]:
        return {
            "OIDC_ENABLED": "1",
            "OIDC_PROVIDER_NAME": "Local provider",
            "OIDC_OP_ISSUER": self.url,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        }

    def discovery(self) -> dict:
        env = self.environment()
        return {
            "issuer": self.url,
            "authorization_endpoint": env["OIDC_OP_AUTHORIZATION_ENDPOINT"],
            "token_endpoint": env["OIDC_OP_TOKEN_ENDPOINT"],
            "userinfo_endpoint": env["OIDC_OP_USER_ENDPOINT"],
            "jwks_uri": env["OIDC_OP_JWKS_ENDPOINT"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def issue_code(self, request: dict[str, str], claims: dict) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**request, "claims": claims}
        return code

    def redeem(self, form: dict[str, str]) -> dict | None:
        """The grant of a code, once, for this client with its secret and PKCE verifier."""
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("client_secret") != CLIENT_SECRET:
            return None
        if form.get("client_id", CLIENT_ID) != grant.get("client_id"):
            return None
        if grant.get("redirect_uri") and form.get("redirect_uri") != grant["redirect_uri"]:
            return None
        challenge = grant.get("code_challenge")
        if challenge:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                return None
        return grant

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        payload = {
            "iss": self.url,
            "aud": grant["client_id"],
            "sub": grant["claims"]["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant.get("nonce", ""),
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "local-key"})

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "local-key", "alg": "RS256", "use": "sig"}]}


class Handler(BaseHTTPRequestHandler):
    provider: LocalProvider

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, body: dict) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        pairs = parse_qs(self.rfile.read(length).decode())
        return {key: values[0] for key, values in pairs.items()}

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/authorize":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if query.get("client_id") != CLIENT_ID or not query.get("redirect_uri"):
                return self._json(400, {"error": "invalid_request"})
            hidden = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(query[name])}">'
                for name in PASSED_ON
                if name in query
            )
            page = PAGE.format(issuer=html.escape(self.provider.url), hidden=hidden)
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        if url.path == "/.well-known/openid-configuration":
            return self._json(200, self.provider.discovery())
        if url.path == "/jwks":
            return self._json(200, self.provider.jwks())
        if url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = self.provider.access.get(token)
            return self._json(200, claims) if claims else self._json(401, {})
        return self._json(404, {})

    def do_POST(self) -> None:
        form = self._form()
        if self.path == "/authorize":
            claims = {"sub": form.get("sub", "").strip()}
            if not claims["sub"] or form.get("client_id") != CLIENT_ID:
                return self._json(400, {"error": "invalid_request"})
            if form.get("email"):
                claims["email"] = form["email"].strip()
                claims["email_verified"] = form.get("email_verified") == "1"
            request = {name: form[name] for name in PASSED_ON if name in form}
            code = self.provider.issue_code(request, claims)
            back = {"code": code, **({"state": form["state"]} if "state" in form else {})}
            location = f"{form['redirect_uri']}?{urlencode(back)}"
            return self._send(302, b"", "text/plain", Location=location)
        if self.path == "/token":
            grant = self.provider.redeem(form)
            if grant is None:
                return self._json(400, {"error": "invalid_grant"})
            access = secrets.token_urlsafe(16)
            self.provider.access[access] = grant["claims"]
            return self._json(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": self.provider.id_token(grant),
                },
            )
        return self._json(404, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9400)
    port = parser.parse_args().port
    provider = LocalProvider(port)
    handler = type("LocalHandler", (Handler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    print("Local OpenID Connect provider (development only) at", provider.url)
    print("Start the portal with:")
    env = provider.environment().items()
    print(" ".join(f"{name}={shlex.quote(value)}" for name, value in env), "make run")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main()
