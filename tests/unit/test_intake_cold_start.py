import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
import intake
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'linebot', 'boto3', 'pydantic', 'pynamodb', 'aws_xray_sdk', 'regex'})
print(','.join(heavy))
"""


def test_importing_the_intake_loads_no_line_sdk_nor_boto3():
    """GIVEN a fresh interpreter WHEN the intake module is imported THEN neither the LINE SDK, boto3, pydantic,
    PynamoDB, the X-Ray SDK nor regex is loaded (its cold start stays small; figures in docs/benchmarks.md) (row 8)."""
    path = f"{ROOT / 'functions' / 'webhook_intake'}:{ROOT / 'layers' / 'civic'}"
    result = subprocess.run([sys.executable, "-c", PROBE], env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
