from licensing.models.applications import Application
from licensing.models.catalogue import LicenceNumberSequence, LicenceType
from licensing.models.licences import Licence

__all__ = ["Application", "Licence", "LicenceNumberSequence", "LicenceType"]
