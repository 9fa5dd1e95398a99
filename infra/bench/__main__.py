"""Run every benchmark and print the figures (copy them into docs/benchmarks.md)."""

import platform

from infra.bench import imports


def main() -> None:
    print(f"# make bench — {platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    figures = imports.intake_vs_naive()
    print("\n## Webhook intake cold import (median of 7 fresh interpreters)")
    print(f"intake (stdlib HMAC, no LINE SDK, no boto3 at import): {figures['intake_import_s'] * 1000:8.1f} ms")
    print(f"naive (linebot.v3 WebhookParser + MessagingApi + boto3): {figures['naive_import_s'] * 1000:8.1f} ms")
    print(f"ratio naive / intake: {figures['ratio']:.1f}×")


if __name__ == "__main__":
    main()
