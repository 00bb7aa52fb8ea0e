"""The application workflow as an explicit state machine (an illegal step answers 409 naming the allowed ones)."""

from licensing.choices import ApplicationStatus as S
from regulator.workflow import StateMachine

APPLICATION = StateMachine({
    S.DRAFT: (S.SUBMITTED,),
    S.SUBMITTED: (S.CORRECTION_REQUESTED, S.ACCEPTED, S.NOT_ACCEPTED, S.ISSUED, S.FILED),
    S.CORRECTION_REQUESTED: (S.SUBMITTED, S.UNDER_REVIEW),
    S.ACCEPTED: (S.UNDER_REVIEW, S.CORRECTION_REQUESTED, S.DEEMED_GRANTED),
    S.UNDER_REVIEW: (S.INSPECTION, S.PENDING_DECISION, S.CORRECTION_REQUESTED, S.DEEMED_GRANTED),
    S.INSPECTION: (S.UNDER_REVIEW, S.DEEMED_GRANTED),
    S.PENDING_DECISION: (S.APPROVED, S.DENIED, S.DEEMED_GRANTED),
    S.APPROVED: (S.ISSUED,),
})

# States in which the decision clock is running (or stopped for corrections) and nothing is decided yet.
PENDING = (S.ACCEPTED, S.UNDER_REVIEW, S.INSPECTION, S.PENDING_DECISION, S.CORRECTION_REQUESTED)
