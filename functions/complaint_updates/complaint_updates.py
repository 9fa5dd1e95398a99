"""ComplaintUpdates: citizens report problems and follow their cases in the chat, from the complaint FIFO queue."""

from civic.complaints import desk
from civic.worker import ConversationWorker

worker = ConversationWorker("complaint-updates", desk.handle, metrics_by_purpose={
    "complaint-receipt": "ComplaintsFiled", "complaint-photo-refused": "ComplaintPhotosRefused"})
lambda_handler = worker.lambda_handler
