"""Demo data for the local stack: what a new user needs to try every service. Idempotent."""

import importlib

# Each capability that has demo data exposes civic.<capability>.demo.seed(); missing ones are skipped.
SEEDERS = ["civic.booking.demo"]


def seed() -> list[str]:
    done = []
    for name in SEEDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        module.seed()
        done.append(name)
    return done
