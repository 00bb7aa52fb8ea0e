from complaints.models.complaints import Complaint, FilerIdentity, IdentityAccess, Message

__all__ = ["Complaint", "FilerIdentity", "IdentityAccess", "Message"]
