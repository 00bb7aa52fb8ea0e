"""The licensing app's statutory numbers (RULES.md, "Licensing") and its licence-type catalogue.

Both only seed tables (data migration 0002); at run time every number is read from ``StatutoryRule``,
where a new measure is entered as a new version with its effective date. Decision and issue deadlines
reuse the kernel's ``licence.*.decision`` / ``licence.*.issue`` codes (regulator/statutory.py).
"""

from datetime import date

from django.utils.translation import gettext_noop

# Validity and renewal periods are dated back to the earlier measures, under which licences still in force were
# issued; the periods were the same then [assumed: check each before relying on it].
OLD_DRUG = "SFDA Order 6 (2004); SAMR Order 84 from 2024 [secondary]"
OLD_PRODUCTION = "SFDA Order 14 (2004); drug production supervision measures 2020 [secondary]"
OLD_DEVICE = "CFDA Order 8 (2014); SAMR Order 54 from 2022"
OLD_COSMETICS = "CFDA 2015 cosmetics production licensing rules [assumed]; SAMR Order 46 from 2022"

# code, title, amount, unit, effective_from, effective_to, source
RULES = [
    (
        "licence.drug_business.validity",
        gettext_noop("Drug business licence validity"),
        60,
        "months",
        date(2004, 2, 4),
        None,
        OLD_DRUG,
    ),
    (
        "licence.drug_business.renewal_opens",
        gettext_noop("Drug business licence renewal window opens before expiry"),
        6,
        "months",
        date(2004, 2, 4),
        None,
        OLD_DRUG,
    ),
    (
        "licence.drug_business.renewal_closes",
        gettext_noop("Drug business licence renewal window closes before expiry"),
        2,
        "months",
        date(2004, 2, 4),
        None,
        OLD_DRUG,
    ),
    (
        "licence.drug_production.validity",
        gettext_noop("Drug production licence validity"),
        60,
        "months",
        date(2004, 8, 5),
        None,
        OLD_PRODUCTION,
    ),
    (
        "licence.drug_production.renewal_opens",
        gettext_noop("Drug production licence renewal window opens before expiry"),
        6,
        "months",
        date(2004, 8, 5),
        None,
        OLD_PRODUCTION,
    ),
    (
        "licence.device_business.validity",
        gettext_noop("Class III device business licence validity"),
        60,
        "months",
        date(2014, 10, 1),
        None,
        OLD_DEVICE,
    ),
    (
        "licence.device_business.renewal_opens",
        gettext_noop("Device business licence renewal window opens before expiry"),
        90,
        "working_days",
        date(2014, 10, 1),
        None,
        OLD_DEVICE,
    ),
    (
        "licence.device_business.renewal_closes",
        gettext_noop("Device business licence renewal window closes before expiry"),
        30,
        "working_days",
        date(2014, 10, 1),
        None,
        OLD_DEVICE,
    ),
    (
        "licence.device_filing.inspection",
        gettext_noop("On-site check of a Class II device business filing"),
        3,
        "months",
        date(2014, 10, 1),
        None,
        OLD_DEVICE,
    ),
    (
        "licence.cosmetics_production.validity",
        gettext_noop("Cosmetics production licence validity"),
        60,
        "months",
        date(2016, 1, 1),
        None,
        OLD_COSMETICS,
    ),
    (
        "licence.cosmetics_production.renewal_opens",
        gettext_noop("Cosmetics production licence renewal window opens before expiry"),
        90,
        "working_days",
        date(2016, 1, 1),
        None,
        OLD_COSMETICS,
    ),
    (
        "licence.cosmetics_production.renewal_closes",
        gettext_noop("Cosmetics production licence renewal window closes before expiry"),
        30,
        "working_days",
        date(2016, 1, 1),
        None,
        OLD_COSMETICS,
    ),
]

DRUG_BUSINESS_NUMBER = "{province}{letters}{region}{seq}"

# code, name, issuing level, rule prefix, number format, sequence digits, type letter, enterprise types,
# notification-commitment, on-site inspection, filing, renewal deemed granted
LICENCE_TYPES = [
    (
        "drug_retail_single",
        gettext_noop("Drug retail licence (single pharmacy)"),
        "county",
        "licence.drug_business",
        DRUG_BUSINESS_NUMBER,
        5,
        "D",
        ["pharmacy"],
        True,
        True,
        False,
        False,
    ),
    (
        "drug_retail_chain_store",
        gettext_noop("Drug retail licence (chain store)"),
        "county",
        "licence.drug_business",
        DRUG_BUSINESS_NUMBER,
        5,
        "C",
        ["chain_store"],
        False,
        True,
        False,
        False,
    ),
    (
        "drug_chain_hq",
        gettext_noop("Drug retail chain headquarters licence"),
        "province",
        "licence.drug_business",
        DRUG_BUSINESS_NUMBER,
        5,
        "B",
        ["retail_chain_hq"],
        False,
        True,
        False,
        False,
    ),
    (
        "drug_wholesale",
        gettext_noop("Drug wholesale licence"),
        "province",
        "licence.drug_business",
        DRUG_BUSINESS_NUMBER,
        5,
        "A",
        ["wholesaler"],
        False,
        True,
        False,
        False,
    ),
    (
        "drug_production",
        gettext_noop("Drug production licence"),
        "province",
        "licence.drug_production",
        "{province}{year}{seq}",
        4,
        "",
        ["drug_manufacturer"],
        False,
        True,
        False,
        False,
    ),
    (
        "device_business_class3",
        gettext_noop("Class III medical device business licence"),
        "city",
        "licence.device_business",
        "{province}{city}药监械经营许{year}{seq}号",
        4,
        "",
        ["device_distributor"],
        False,
        True,
        False,
        True,
    ),
    (
        "device_filing_class2",
        gettext_noop("Class II medical device business filing"),
        "city",
        "licence.device_filing",
        "{province}{city}药监械经营备{year}{seq}号",
        4,
        "",
        ["device_distributor"],
        False,
        False,
        True,
        False,
    ),
    (
        "cosmetics_production",
        gettext_noop("Cosmetics production licence"),
        "province",
        "licence.cosmetics_production",
        "{province}妆{year}{seq}",
        4,
        "",
        ["cosmetics_manufacturer"],
        False,
        True,
        False,
        False,
    ),
]


def seed_licence_types(licence_type_model) -> int:
    created = 0
    for order, row in enumerate(LICENCE_TYPES):
        (
            code,
            name,
            level,
            prefix,
            number_format,
            digits,
            letter,
            enterprise_types,
            commitment,
            inspection,
            filing,
            deemed,
        ) = row
        _, was_created = licence_type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "issuing_level": level,
                "rule_prefix": prefix,
                "number_format": number_format,
                "sequence_digits": digits,
                "type_letter": letter,
                "enterprise_types": enterprise_types,
                "notification_commitment": commitment,
                "requires_inspection": inspection,
                "is_filing": filing,
                "renewal_deemed_granted": deemed,
                "order": order,
            },
        )
        created += was_created
    return created
