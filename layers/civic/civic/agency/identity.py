"""Who is calling the agency API: read from the JWT claims API Gateway (or the local stack) verified.

A token carries the staff member's agency (`custom:agency_id`) and role (`cognito:groups`). Staff see
and change only their agency's records; roles rank officer < supervisor < admin.
"""

from dataclasses import dataclass

ROLES = ("officer", "supervisor", "admin")


class Unauthorized(Exception):
    """No verified identity on the request."""


class Forbidden(Exception):
    """A verified identity without the role or agency for this record."""


@dataclass(frozen=True)
class Staff:
    subject: str
    agency_id: str
    role: str

    def require(self, role: str) -> None:
        if ROLES.index(self.role) < ROLES.index(role):
            raise Forbidden(f"needs role {role}")

    def owns(self, agency_id: str | None) -> bool:
        return agency_id == self.agency_id


def _groups(raw) -> list[str]:
    # API Gateway hands list claims over as "[a b]" strings; tokens may also carry real lists or "a,b".
    if isinstance(raw, list):
        return [str(g) for g in raw]
    return [g for g in str(raw or "").strip("[]").replace(",", " ").split() if g]


def from_event(event: dict) -> Staff:
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    agency = claims.get("custom:agency_id")
    roles = [g for g in _groups(claims.get("cognito:groups")) if g in ROLES]
    if not claims.get("sub") or not agency or not roles:
        raise Unauthorized("no verified staff identity")
    return Staff(subject=claims["sub"], agency_id=agency, role=max(roles, key=ROLES.index))
