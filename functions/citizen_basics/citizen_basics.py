"""CitizenBasics: follow, unfollow, consent, help and "my data", from the citizen FIFO queue."""

from civic.citizen import service as citizen_service
from civic.worker import ConversationWorker

worker = ConversationWorker("citizen-basics", citizen_service.handle,
                            metrics_by_purpose={"welcome": "CitizensFollowed", "erased": "CitizensErased"})
lambda_handler = worker.lambda_handler
