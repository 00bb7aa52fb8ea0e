"""The titles of the statutory rules (regulator/statutory.py), marked for translation.

Rule titles are data, stored in English; pages show them through ``{% translate rule.title %}``. This
list only puts them into the message catalogue; tests/regulator/test_translations.py checks that every
seeded title is here.
"""

from django.utils.translation import gettext_noop

STATUTORY_RULE_TITLES = (
    gettext_noop("Decide whether to accept a complaint"),
    gettext_noop("Mediation ends without agreement"),
    gettext_noop("Notify both parties"),
    gettext_noop("Check a violation lead / report"),
    gettext_noop("Extension of the check, with approval"),
    gettext_noop("Tell a real-name reporter the case-filing decision"),
    gettext_noop("Settle a jurisdiction dispute"),
    gettext_noop("Drug business licence decision after acceptance"),
    gettext_noop("Issue the drug business licence after the decision"),
    gettext_noop("Drug production licence decision"),
    gettext_noop("Class III device business licence decision"),
    gettext_noop("Notify missing materials"),
    gettext_noop("Issue the device business licence"),
    gettext_noop("Cosmetics production licence decision"),
    gettext_noop("Issue the cosmetics production licence"),
    gettext_noop("Report a new or serious adverse reaction"),
    gettext_noop("Report another adverse reaction"),
    gettext_noop("Request a re-test after receiving the result"),
    gettext_noop("Decide on seized goods"),
)
