"""Demo data for the local stack: what a new user needs to try every service. Idempotent."""

from civic.booking import demo as booking_demo

# Each capability with demo data adds its seeder here as it lands.
SEEDERS = [booking_demo.seed]


def seed() -> None:
    for seeder in SEEDERS:
        seeder()
