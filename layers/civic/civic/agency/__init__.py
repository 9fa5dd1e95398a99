"""The agency API: staff identity from the verified JWT, and one Powertools Router per domain."""
