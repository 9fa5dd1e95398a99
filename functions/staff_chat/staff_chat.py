"""StaffChat: a citizen's chat with a person (handover) from the handover FIFO queue; every minute, idle chats
go back to the bot."""

from civic.handover import desk, sweep
from civic.worker import ConversationWorker

worker = ConversationWorker("staff-chat", desk.handle, metrics_by_purpose={"handover-asked": "ChatsAsked"})
idle_sweep = worker.logger.inject_lambda_context(lambda event, context: sweep.run())


def lambda_handler(event: dict, context) -> dict:
    # SQS brings Records; the schedule brings its input ({"job": "idle"}).
    return worker.lambda_handler(event, context) if "Records" in event else idle_sweep(event, context)
