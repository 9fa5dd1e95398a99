"""BillNotifications: citizens link, list, rename and unlink accounts and choose what they hear, from the bill
FIFO queue."""

from civic.bills import desk
from civic.worker import ConversationWorker

worker = ConversationWorker("bill-notifications", desk.handle, metrics_by_purpose={
    "bill-linked": "BillAccountsLinked", "bill-link-wrong": "BillLinkChecksWrong", "bill-link-paused": "BillLinksPaused"})
lambda_handler = worker.lambda_handler
