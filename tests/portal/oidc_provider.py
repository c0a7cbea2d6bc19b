"""A tiny OpenID Connect provider on loopback for the sign-in tests: token, keys and user-info
endpoints (the authorisation step is played by the test), id_tokens signed with RS256."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "cica-portal"
CLIENT_SECRET = "provider-test-secret"


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}
        self.delay = 0.0  # seconds the token endpoint waits before answering
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # A client that gave up (the timeout test) closes the socket: not an error here.
        self.server.handle_error = lambda request, address: None
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        return {
            "OIDC_ENABLED": True,
            "OIDC_OP_ISSUER": self.url,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SIGN_ALGO": "RS256",
        }

    def issue_code(
        self, *, nonce: str, claims: dict, issuer: str | None = None, audience: str = CLIENT_ID
    ) -> str:
        """What the provider's sign-in page would do once the person logged in there."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": nonce,
            "claims": claims,
            "iss": issuer or self.url,
            "aud": audience,
        }
        return code

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        payload = {
            "iss": grant["iss"],
            "aud": grant["aud"],
            "sub": grant["claims"]["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "test-key"})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if self.path != "/token":
                    return self._json(404, {})
                if provider.delay:
                    time.sleep(provider.delay)
                grant = provider.codes.pop(form.get("code", [""])[0], None)
                if grant is None or form.get("client_secret") != [CLIENT_SECRET]:
                    return self._json(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                provider.access[access] = grant["claims"]
                return self._json(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "id_token": provider._id_token(grant),
                    },
                )

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json(200, {"keys": [{**jwk, "kid": "test-key", "alg": "RS256"}]})
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.access.get(token)
                    return self._json(200, claims) if claims else self._json(401, {})
                return self._json(404, {})

        return Handler
