"""BillImport: S3 tells us a file landed under imports/<agency>/<kind>/: open its batch, enqueue its first piece."""

from civic.bills import importer
from civic.observability import instruments

logger, metrics, tracer = instruments("bill-import")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    batches = [importer.on_upload(r["s3"]["bucket"]["name"], r["s3"]["object"]["key"], int(r["s3"]["object"]["size"]),
                                  r["s3"]["object"].get("eTag", "")) for r in event.get("Records", [])]
    logger.info("bill files received", extra={"batches": batches})
    return {"batches": batches}
