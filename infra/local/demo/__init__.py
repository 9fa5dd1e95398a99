"""Demo data for the local stack: what a new user needs to try every service. Not in the Lambda layer.

One module per domain of the registry (civic.domains), named after it, with `seed()`; idempotent.
"""

import importlib
import importlib.util

from civic import domains


def seeders() -> dict[str, object]:
    """domain → its demo module, for every domain of the registry that has one."""
    found = {}
    for domain in domains.DOMAINS:
        name = f"{__name__}.{domain.name}"
        if importlib.util.find_spec(name) is not None:
            found[domain.name] = importlib.import_module(name)
    return found


def seed() -> dict[str, object]:
    """Seed every domain's demo data; returns what each seeder reported."""
    return {name: module.seed() for name, module in seeders().items()}
