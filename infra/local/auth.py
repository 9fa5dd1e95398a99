"""A local identity provider: issues Cognito-like ID tokens and verifies them as API Gateway's JWT authorizer does."""

from __future__ import annotations

import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "local-agency-api"
KEY_ID = "local-idp-1"


class InvalidToken(Exception):
    """The bearer token would be refused by API Gateway; the message says why (never the token)."""


class TokenAuthority:
    """An RS256 key pair made at start; tokens from an earlier run (or any other key) are refused."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._public_key = self._private_key.public_key()

    def issue(self, agency_id: str, role: str, sub: str = "local-user", expires_in: int = 3600) -> str:
        now = int(time.time())
        claims = {
            "sub": sub,
            "iss": self.issuer,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + int(expires_in),
            "token_use": "id",
            "custom:agency_id": agency_id,
            "cognito:groups": [role],
        }
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": KEY_ID})

    def verify(self, token: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                self._public_key,
                algorithms=["RS256"],
                audience=AUDIENCE,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("signature does not verify") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("wrong issuer") from None
        except jwt.PyJWTError as error:
            raise InvalidToken(f"malformed token ({type(error).__name__})") from None
