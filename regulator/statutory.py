"""The statutory numbers of RULES.md, as first versions of the rule table (``StatutoryRule``).

This list only seeds the table (migration 0003 and ``seed_rules``); at run time every number is
read from the table, where a new measure is entered as a new version with its effective date. Titles
are stored in English and marked with ``gettext_noop`` so that pages can show them translated.
"""

from datetime import date

from django.utils.translation import gettext_noop

WORKING_DAYS_BY_LAW = "%s; in working days by Administrative Licensing Law art. 82"
# Rule codes the first seed counted in calendar days although the law counts them in working days.
CORRECTED_TO_WORKING_DAYS = ("licence.drug_business.decision", "licence.drug_business.issue",
                             "licence.drug_production.decision")

# code, title, amount, unit, effective_from, effective_to, source
RULES = [
    # Complaints and reports: SAMR Order 20 until 2026-04-14, SAMR Order 121 from 2026-04-15.
    ("complaint.accept_decision", gettext_noop("Decide whether to accept a complaint"), 7, "working_days",
     date(2019, 1, 1), None, "SAMR Order 20 (2019, amended 2022); unchanged by Order 121 [assumed]"),
    ("complaint.mediation", gettext_noop("Mediation ends without agreement"), 45, "working_days",
     date(2019, 1, 1), date(2026, 4, 14), "SAMR Order 20"),
    ("complaint.mediation", gettext_noop("Mediation ends without agreement"), 60, "calendar_days",
     date(2026, 4, 15), None, "SAMR Order 121 [secondary]"),
    ("complaint.notify_parties", gettext_noop("Notify both parties"), 7, "working_days",
     date(2019, 1, 1), None, "SAMR Order 20"),
    ("report.verify", gettext_noop("Check a violation lead / report"), 15, "working_days",
     date(2019, 1, 1), None, "SAMR Order 20"),
    ("report.verify_extension", gettext_noop("Extension of the check, with approval"), 15, "working_days",
     date(2019, 1, 1), None, "SAMR Order 20"),
    ("report.inform_reporter", gettext_noop("Tell a real-name reporter the case-filing decision"), 5, "working_days",
     date(2019, 1, 1), None, "SAMR Order 20"),
    ("complaint.jurisdiction_dispute", gettext_noop("Settle a jurisdiction dispute"), 7, "working_days",
     date(2019, 1, 1), None, "SAMR Order 20"),
    # Licensing.
    # A licensing period in days is counted in working days (Administrative Licensing Law art. 82); RULES.md gives
    # these three as bare "days", and migration regulator.0006 corrected the first seed, which read calendar days.
    ("licence.drug_business.decision", gettext_noop("Drug business licence decision after acceptance"), 20,
     "working_days",
     date(2024, 1, 1), None, WORKING_DAYS_BY_LAW % "SAMR Order 84 [secondary]"),
    ("licence.drug_business.issue", gettext_noop("Issue the drug business licence after the decision"), 5,
     "working_days",
     date(2024, 1, 1), None, WORKING_DAYS_BY_LAW % "SAMR Order 84 [secondary]"),
    ("licence.drug_production.decision", gettext_noop("Drug production licence decision"), 30, "working_days",
     date(2020, 7, 1), None, WORKING_DAYS_BY_LAW % "Drug production supervision measures [secondary]"),
    ("licence.device_business.decision", gettext_noop("Class III device business licence decision"), 20, "working_days",
     date(2022, 5, 1), None, "SAMR Order 54"),
    ("licence.device_business.missing_materials", gettext_noop("Notify missing materials"), 5, "working_days",
     date(2022, 5, 1), None, "SAMR Order 54"),
    ("licence.device_business.issue", gettext_noop("Issue the device business licence"), 10, "working_days",
     date(2022, 5, 1), None, "SAMR Order 54"),
    ("licence.cosmetics_production.decision", gettext_noop("Cosmetics production licence decision"), 30, "working_days",
     date(2022, 1, 1), None, "SAMR Order 46"),
    ("licence.cosmetics_production.issue", gettext_noop("Issue the cosmetics production licence"), 5, "working_days",
     date(2022, 1, 1), None, "SAMR Order 46"),
    # Adverse reactions.
    ("adr.report.serious_or_new", gettext_noop("Report a new or serious adverse reaction"), 15, "calendar_days",
     date(2011, 7, 1), None, "ADR reporting measures [secondary]"),
    ("adr.report.other", gettext_noop("Report another adverse reaction"), 30, "calendar_days",
     date(2011, 7, 1), None, "ADR reporting measures [secondary]"),
    # Sampling.
    ("sampling.retest_request", gettext_noop("Request a re-test after receiving the result"), 7, "calendar_days",
     date(2019, 12, 1), None, "Drug Administration Law art. 102"),
    ("sampling.seizure_decision", gettext_noop("Decide on seized goods"), 7, "calendar_days",
     date(2019, 12, 1), None, "Drug Administration Law art. 100"),
]


def seed_rules(statutory_rule_model, rules=RULES) -> int:
    """Insert the rule versions that are missing; a domain app passes its own list from its data migration."""
    created = 0
    for code, title, amount, unit, effective_from, effective_to, source in rules:
        _, was_created = statutory_rule_model.objects.get_or_create(
            code=code, effective_from=effective_from,
            defaults={"title": title, "amount": amount, "unit": unit, "effective_to": effective_to, "source": source},
        )
        created += was_created
    return created
