"""Statutory numbers of the complaints app that the kernel's rule table does not seed (RULES.md)."""

from datetime import date

from django.utils.translation import gettext_noop

# code, title, amount, unit, effective_from, effective_to, source
RULES = [
    ("complaint.limitation", gettext_noop("Complaints filed later than this after the harm was known are not accepted"),
     36, "months", date(2019, 1, 1), None, "SAMR Order 20 art. 15"),
]
