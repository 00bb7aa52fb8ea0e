from complaints.models.complaints import Complaint, Escalation, FilerIdentity, IdentityAccess, Message

__all__ = ["Complaint", "Escalation", "FilerIdentity", "IdentityAccess", "Message"]
