"""QueueBooking: citizens book, change and keep appointments in the chat, from the booking FIFO queue."""

from civic.booking import desk
from civic.worker import ConversationWorker

# What a launch day looks like from the outside: seats taken, "full" answers, "busy, try again" answers.
worker = ConversationWorker("queue-booking", desk.handle, metrics_by_purpose={
    "booking-confirmed": "BookingsConfirmed", "booking-full": "BookingsFull", "booking-busy": "BookingsBusy"})
lambda_handler = worker.lambda_handler
