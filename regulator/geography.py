"""The demo province, city and counties (RULES.md, "Administrative divisions" and "The demo city").

Used by ``seed_demo`` and by the test personas, so both stand on the same real codes.
"""

from datetime import date

from django.db import transaction

# code, zh, en, level, parent code, population, population year, valid_from, valid_to, successor
DIVISIONS = [
    ("440000", "广东省", "Guangdong", "province", None, 126_010_000, 2020, date(1988, 1, 1), None, None),
    ("445100", "潮州市", "Chaozhou", "city", "440000", 2_576_200, 2023, date(1991, 12, 7), None, None),
    ("445102", "湘桥区", "Xiangqiao", "county", "445100", 578_400, 2023, date(1991, 12, 7), None, None),
    ("445103", "潮安区", "Chao'an", "county", "445100", 1_180_300, 2023, date(2013, 11, 26), None, None),
    ("445122", "饶平县", "Raoping", "county", "445100", 817_500, 2023, date(1991, 12, 7), None, None),
    # Chao'an was a county until 2013: the old code is kept, retired, pointing to its successor.
    ("445121", "潮安县", "Chao'an County", "county", "445100", None, None, date(1991, 12, 7), date(2013, 11, 25),
     "445103"),
]

AGENCIES = {
    "440000": ("广东省药品监督管理局", "Guangdong Medical Products Administration"),
    "445100": ("潮州市市场监督管理局", "Chaozhou Administration for Market Regulation"),
    "445102": ("潮州市湘桥区市场监督管理局", "Xiangqiao District Administration for Market Regulation"),
    "445103": ("潮州市潮安区市场监督管理局", "Chao'an District Administration for Market Regulation"),
    "445122": ("饶平县市场监督管理局", "Raoping County Administration for Market Regulation"),
}

COUNTY_CODES = ["445102", "445103", "445122"]


@transaction.atomic
def ensure_geography() -> dict:
    """Create (or find) the divisions and agencies; returns {code: Jurisdiction} of current rows."""
    from regulator.models import Agency, Jurisdiction

    by_code = {}
    for code, zh, en, level, parent, population, year, valid_from, valid_to, _successor in DIVISIONS:
        jurisdiction = Jurisdiction.objects.filter(code=code, valid_from=valid_from).first()
        if jurisdiction is None:
            jurisdiction = Jurisdiction(code=code, valid_from=valid_from)
        jurisdiction.name_zh, jurisdiction.name_en, jurisdiction.level = zh, en, level
        jurisdiction.parent = by_code.get(parent)
        jurisdiction.population, jurisdiction.population_year, jurisdiction.valid_to = population, year, valid_to
        jurisdiction.save()
        by_code[(code, valid_to)] = jurisdiction
        if valid_to is None:
            by_code[code] = jurisdiction
    for code, *_rest, valid_to, successor in DIVISIONS:
        if successor:
            retired = by_code[(code, valid_to)]
            retired.successor = by_code[successor]
            retired.save(update_fields=["successor"])
    for code, (zh, en) in AGENCIES.items():
        Agency.objects.update_or_create(jurisdiction=by_code[code], defaults={"name_zh": zh, "name_en": en})
    return {key: value for key, value in by_code.items() if isinstance(key, str)}
