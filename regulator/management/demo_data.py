"""The demo data: Chaozhou's regulated population (RULES.md, "The demo city"), staff and logins.

Deterministic: every name, code and date comes from ``build_plan()``, a pure function driven by a
fixed seed, so every run plans the same rows. Idempotent: rows are keyed by natural keys (username,
credit code, approval number, product + batch number, deadline subject + rule) and only missing ones
are created, so a second run finds everything present and changes nothing.

The bulk goes in with ``bulk_create``; the featured enterprises (those with a demo login) and the
featured manufacturer's products go through ``regulator.services`` so that the event log has entries.
The demo deadlines are the one exception to "same data every time": they are started relative to the
day of the first run, so that one is overdue, one has its clock stopped and the others are running.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from regulator import services
from regulator.audit import audit_context
from regulator.choices import EnterpriseStatus, EnterpriseType, ProductKind, Role, UserKind
from regulator.geography import COUNTY_CODES, DIVISIONS, ensure_geography
from regulator.models import Batch, Deadline, Enterprise, Product, User
from regulator.validators import USCC_ALPHABET, with_check_character

PASSWORD = "Demo-2026-pass"
SEED = 2020  # the census year the population comes from
ADMIN_USERNAME = "admin"

AGENCY_SLUGS = {
    "440000": "guangdong",
    "445100": "chaozhou",
    "445102": "xiangqiao",
    "445103": "chaoan",
    "445122": "raoping",
}

# Username suffix and role of the staff every agency gets (two inspectors: an inspection needs two).
STAFF_ROLES = [
    ("officer", Role.OFFICER),
    ("reviewer", Role.REVIEWER),
    ("approver", Role.APPROVER),
    ("inspector", Role.INSPECTOR),
    ("inspector2", Role.INSPECTOR),
    ("analyst", Role.ANALYST),
    ("agency_admin", Role.AGENCY_ADMIN),
]

# RULES.md "The demo city" (Chaozhou, 2020): 890 retail pharmacies = chain stores + single pharmacies.
RETAIL_PHARMACIES = 890
CHAIN_STORES = 380

# Institutions the platform also supervises, named one by one: (county, name, credit-code prefix).
HOSPITALS = [
    ("445102", "潮州市中心医院", "12"),
    ("445102", "潮州市人民医院", "12"),
    ("445103", "潮州市潮安区人民医院", "12"),
    ("445103", "潮州市潮安区庵埠华侨医院", "12"),
    ("445122", "饶平县人民医院", "12"),
    ("445122", "饶平县第二人民医院", "12"),
]
HOSPITAL_PREPARATION_UNITS = [("445102", "潮州市中医医院", "12")]
VACCINE_DISTRIBUTORS = [
    ("445102", "潮州市疾病预防控制中心", "12"),
    ("445103", "潮州市潮安区疾病预防控制中心", "12"),
    ("445122", "饶平县疾病预防控制中心", "12"),
    ("445103", "广东粤潮医药冷链配送有限公司", "91"),
]
NAMED = {
    EnterpriseType.HOSPITAL: HOSPITALS,
    EnterpriseType.HOSPITAL_PREPARATION: HOSPITAL_PREPARATION_UNITS,
    EnterpriseType.VACCINE_DISTRIBUTOR: VACCINE_DISTRIBUTORS,
}

POPULATION = {
    EnterpriseType.DRUG_MANUFACTURER: 11,
    EnterpriseType.PACKAGING_MANUFACTURER: 11,
    EnterpriseType.HOSPITAL_PREPARATION: len(HOSPITAL_PREPARATION_UNITS),
    EnterpriseType.WHOLESALER: 20,
    EnterpriseType.RETAIL_CHAIN_HQ: 7,
    EnterpriseType.CHAIN_STORE: CHAIN_STORES,
    EnterpriseType.PHARMACY: RETAIL_PHARMACIES - CHAIN_STORES,
    EnterpriseType.DEVICE_MANUFACTURER: 77,
    EnterpriseType.DEVICE_DISTRIBUTOR: 724,
    EnterpriseType.COSMETICS_MANUFACTURER: 11,
    EnterpriseType.HOSPITAL: len(HOSPITALS),
    EnterpriseType.VACCINE_DISTRIBUTOR: len(VACCINE_DISTRIBUTORS),
}

# Enterprises with a demo login, registered through the services: (type, county) -> (name, town, username).
FEATURED = {
    (EnterpriseType.PHARMACY, "445102"): ("潮州市湘桥区太平康宁大药房", "太平街道", "pharmacy.xiangqiao"),
    (EnterpriseType.PHARMACY, "445103"): ("潮州市潮安区庵埠仁心药店", "庵埠镇", "pharmacy.chaoan"),
    (EnterpriseType.PHARMACY, "445122"): ("饶平县黄冈百姓大药房", "黄冈镇", "pharmacy.raoping"),
    (EnterpriseType.DRUG_MANUFACTURER, "445103"): ("广东潮康制药有限公司", "彩塘镇", "manufacturer.chaoan"),
    (EnterpriseType.WHOLESALER, "445102"): ("潮州市仁和医药有限公司", "西湖街道", "wholesaler.xiangqiao"),
}


@dataclass(frozen=True)
class County:
    prefix: str
    towns: tuple[str, ...]
    roads: tuple[str, ...]


COUNTIES = {
    "445102": County(
        "潮州市湘桥区",
        ("太平街道", "西湖街道", "西新街道", "城西街道", "凤新街道", "湘桥街道", "桥东街道",
         "意溪镇", "磷溪镇", "官塘镇", "铁铺镇"),
        ("新桥路", "潮枫路", "新洋路", "西荣路", "环城西路", "永护路", "绿榕路", "开元路", "太平路",
         "城新路", "枫春路", "凤新路", "潮州大道", "南春路", "西马路"),
    ),
    "445103": County(
        "潮州市潮安区",
        ("庵埠镇", "彩塘镇", "金石镇", "浮洋镇", "东凤镇", "龙湖镇", "沙溪镇", "江东镇", "古巷镇",
         "登塘镇", "凤塘镇", "归湖镇", "文祠镇", "凤凰镇", "赤凤镇"),
        ("安南路", "庵埠大道", "彩塘大道", "金石大道", "龙湖路", "潮汕公路", "东凤路", "古巷大道",
         "凤塘大道", "文里路", "宝山路", "梅溪路"),
    ),
    "445122": County(
        "饶平县",
        ("黄冈镇", "钱东镇", "高堂镇", "浮滨镇", "三饶镇", "樟溪镇", "新丰镇", "汤溪镇", "联饶镇",
         "东山镇", "上饶镇", "饶洋镇", "新圩镇", "所城镇", "大埕镇", "海山镇", "汫洲镇", "柘林镇"),
        ("北环路", "沿江路", "黄冈大道", "中山路", "环城路", "龙眼城路", "饶平大道", "丁未路", "和平路",
         "霞东路"),
    ),
}

SURNAMES = "陈陈陈陈林林林黄黄黄李李吴吴蔡蔡郑郑许杨刘张王谢洪詹翁庄余邱卢柯沈方丁周苏赖曾彭郭纪"
GIVEN_FIRST = "伟建志俊泽锦晓秀丽少文浩雅振旭美家梓嘉素锐楷培淑佳燕丹桂映宏鸿树惠玉楚展"
GIVEN_SECOND = "明华强杰彬辉燕兰敏贞然琴东芬玲豪涵琪英城林鹏鸿君娟萍坤钦龙洲婷娜生涛"
BRAND_CHARS = (
    "康宁仁和安泰华信德顺恒瑞祥福寿健民济春永益广兴盛达"
    "利丰源新宏嘉隆佳美雅正诚明昌荣泽鸿锦潮韩凤金天万百众同"
)
CN_ORDINALS = "一二三四五六七八九十"

NAME_TEMPLATES = {
    EnterpriseType.DRUG_MANUFACTURER: ("潮州市{b}制药有限公司", "广东{b}药业有限公司",
                                       "潮州{b}药业股份有限公司", "广东{b}中药饮片有限公司"),
    EnterpriseType.PACKAGING_MANUFACTURER: ("潮州市{b}药用包装材料有限公司", "潮州市{b}药用玻璃制品有限公司",
                                            "潮州{b}塑胶包装有限公司", "潮州市{b}胶囊有限公司"),
    EnterpriseType.WHOLESALER: ("潮州市{b}医药有限公司", "广东{b}医药有限公司", "潮州市{b}药业有限公司",
                                "潮州市{b}医药贸易有限公司"),
    EnterpriseType.RETAIL_CHAIN_HQ: ("潮州市{b}大药房连锁有限公司", "广东{b}医药连锁有限公司"),
    EnterpriseType.PHARMACY: ("{p}{t}{b}药店", "{p}{t}{b}大药房", "{p}{t}{b}医药商店", "{p}{t}{b}堂药店",
                              "{p}{b}大药房"),
    EnterpriseType.DEVICE_MANUFACTURER: ("潮州市{b}医疗器械有限公司", "广东{b}医疗科技有限公司",
                                         "潮州市{b}卫生材料有限公司", "潮州市{b}医用敷料有限公司",
                                         "潮州{b}齿科材料有限公司"),
    EnterpriseType.DEVICE_DISTRIBUTOR: ("潮州市{b}医疗器械有限公司", "{p}{t}{b}医疗器械商行",
                                        "{p}{b}医疗器械经营部", "{p}{t}{b}眼镜店",
                                        "潮州市{b}医疗设备有限公司", "广东{b}医疗器械有限公司"),
    EnterpriseType.COSMETICS_MANUFACTURER: ("潮州市{b}化妆品有限公司", "广东{b}日用化工有限公司",
                                            "潮州市{b}生物科技有限公司"),
}
VACCINE_MAKER_TEMPLATE = ("广东{b}生物制品有限公司",)
# Shops (商行, 经营部, 店) are often individual businesses: credit codes starting 92.
INDIVIDUAL_BUSINESS_MARKERS = ("药店", "商行", "经营部", "眼镜店")

# name, approval letter, specification
DRUGS = [
    ("阿莫西林胶囊", "H", "0.25g×24粒"), ("布洛芬缓释胶囊", "H", "0.3g×20粒"),
    ("盐酸二甲双胍片", "H", "0.5g×48片"), ("头孢克肟分散片", "H", "0.1g×12片"),
    ("硝苯地平缓释片", "H", "20mg×30片"), ("氯雷他定片", "H", "10mg×6片"),
    ("奥美拉唑肠溶胶囊", "H", "20mg×14粒"), ("阿奇霉素片", "H", "0.25g×6片"),
    ("维生素C片", "H", "0.1g×100片"), ("对乙酰氨基酚片", "H", "0.5g×20片"),
    ("葡萄糖注射液", "H", "250ml:12.5g"), ("氯化钠注射液", "H", "500ml:4.5g"),
    ("甲硝唑片", "H", "0.2g×100片"), ("盐酸左氧氟沙星片", "H", "0.1g×10片"),
    ("苯磺酸氨氯地平片", "H", "5mg×28片"), ("复方甘草片", "H", "100片"),
    ("板蓝根颗粒", "Z", "10g×20袋"), ("感冒灵颗粒", "Z", "10g×9袋"), ("六味地黄丸", "Z", "200丸"),
    ("复方丹参片", "Z", "60片"), ("银翘解毒片", "Z", "36片"), ("藿香正气水", "Z", "10ml×10支"),
    ("双黄连口服液", "Z", "10ml×10支"), ("小柴胡颗粒", "Z", "10g×10袋"), ("保济丸", "Z", "3.7g×20瓶"),
    ("夏桑菊颗粒", "Z", "10g×20袋"), ("蛇胆川贝液", "Z", "10ml×6支"), ("风油精", "Z", "3ml"),
]
VACCINES = [
    ("乙型肝炎疫苗（重组酵母）", "10μg/0.5ml"),
    ("流感病毒裂解疫苗", "0.5ml/支"),
    ("冻干人用狂犬病疫苗（Vero细胞）", "1.0ml/瓶"),
    ("23价肺炎球菌多糖疫苗", "0.5ml/支"),
]
# name, specification, device class (1, 2, 3), classification code
DEVICES = [
    ("医用外科口罩", "17.5cm×9.5cm", 2, "14"), ("一次性使用无菌注射器", "5ml", 3, "14"),
    ("医用脱脂棉", "500g/包", 1, "64"), ("医用纱布块", "8cm×10cm-8P", 2, "64"),
    ("一次性使用输液器", "带针 0.7mm", 3, "14"), ("电子体温计", "MT-101", 2, "07"),
    ("医用冷敷贴", "10cm×12cm", 2, "09"), ("一次性使用医用橡胶检查手套", "M号", 2, "14"),
    ("医用弹性绷带", "7.5cm×4.5m", 1, "64"), ("医用护理垫", "60cm×90cm", 1, "14"),
    ("牙科氧化锆瓷块", "98mm×14mm", 3, "17"), ("牙科烤瓷粉", "50g/瓶", 2, "17"),
    ("电子血压计", "BP-305", 2, "07"), ("医用超声耦合剂", "250ml", 2, "06"),
    ("一次性使用无菌导尿管", "F14", 2, "14"), ("医用棉签", "10cm×50支", 1, "64"),
]
# name, specification, special-use cosmetic (注册) rather than ordinary (备案)
COSMETICS = [
    ("保湿修护面霜", "50g", False), ("去屑洗发露", "400ml", False), ("滋润沐浴露", "750ml", False),
    ("清透防晒乳 SPF50+", "40ml", True), ("植物染发膏", "100g×2", True), ("补水面膜", "25ml×5片", False),
    ("护手霜", "50g", False), ("舒缓爽肤水", "150ml", False), ("氨基酸洗面奶", "120g", False),
    ("润唇膏", "4g", False),
]


@dataclass(frozen=True)
class EnterpriseSpec:
    credit_code: str
    name: str
    enterprise_type: str
    county: str
    address: str
    legal_representative: str
    registered_on: date
    status: str = EnterpriseStatus.ACTIVE
    login: str | None = None  # username of its demo enterprise user; these go through the services


@dataclass(frozen=True)
class ProductSpec:
    holder: str  # credit code
    kind: str
    name: str
    approval_number: str
    specification: str
    trace_prefix: str | None
    via_service: bool = False


@dataclass(frozen=True)
class BatchSpec:
    approval_number: str
    batch_number: str
    manufactured_on: date
    expires_on: date


@dataclass(frozen=True)
class Login:
    username: str
    full_name: str
    kind: str
    role: str | None = None
    agency: str | None = None  # division code of the agency, for staff
    enterprise: str | None = None  # credit code, for enterprise users

@dataclass(frozen=True)
class DeadlineSpec:
    """A demo clock on an enterprise: started ``started_days_ago``; optionally stopped or completed."""

    enterprise: str  # credit code
    rule: str
    started_days_ago: int
    stopped_days_ago: int | None = None
    stop_reason: str = ""
    completed_days_ago: int | None = None


@dataclass
class Plan:
    logins: list[Login] = field(default_factory=list)
    enterprises: list[EnterpriseSpec] = field(default_factory=list)
    products: list[ProductSpec] = field(default_factory=list)
    batches: list[BatchSpec] = field(default_factory=list)
    deadlines: list[DeadlineSpec] = field(default_factory=list)

    def first(self, enterprise_type: str, county: str) -> EnterpriseSpec:
        return next(e for e in self.of_type(enterprise_type) if e.county == county)

    def of_type(self, enterprise_type: str) -> list[EnterpriseSpec]:
        return [e for e in self.enterprises if e.enterprise_type == enterprise_type]

    def featured(self, username: str) -> EnterpriseSpec:
        return next(e for e in self.enterprises if e.login == username)


# --- Identifiers -------------------------------------------------------------------------------

def _base31(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(USCC_ALPHABET[digit])
    return "".join(reversed(chars))


def _organisation_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(ch, 36) * weight for ch, weight in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(prefix: str, division: str, serial: int, *, registered_on: date) -> str:
    """A valid unified social credit code, unique per ``serial``.

    Enterprises registered before the 2015 reform kept their numeric organisation code; later ones
    got a code starting MA. Both forms end in their own GB 11714 check character.
    """
    if registered_on >= date(2015, 10, 1):
        body = "MA" + _base31(serial * 1_000_003 + 104_729, 6)  # one-to-one: 1000003 is prime to 31
    else:
        body = f"{(serial * 73_939_133 + 20_151_001) % 10**8:08d}"  # one-to-one: the factor is prime to 10
    return with_check_character(f"{prefix}{division}{body}{_organisation_check(body)}")


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, 28))


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties to the first)."""
    quotas = [total * weight / sum(weights) for weight in weights]
    shares = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


# --- The plan ----------------------------------------------------------------------------------

class _Planner:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.plan = Plan()
        self.serial = 0
        self.names: set[str] = set()
        self.approval_serial = Counter()
        self.trace_serial = 0
        self.vaccine_maker: EnterpriseSpec | None = None

    def person(self) -> str:
        rng = self.rng
        if rng.random() < 0.85:
            return rng.choice(SURNAMES) + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)
        return rng.choice(SURNAMES) + rng.choice(GIVEN_SECOND)

    def brand(self) -> str:
        first, second = self.rng.sample(BRAND_CHARS, 2)
        return first + second

    def unique_name(self, make) -> str:
        for _ in range(100):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("the demo name pools are too small for the population")

    def address(self, county: str, town: str | None = None) -> tuple[str, str]:
        info = COUNTIES[county]
        town = town or self.rng.choice(info.towns)
        return town, f"广东省{info.prefix}{town}{self.rng.choice(info.roads)}{self.rng.randint(1, 388)}号"

    def registered_on(self, enterprise_type: str) -> date:
        oldest = {EnterpriseType.HOSPITAL: 1950, EnterpriseType.HOSPITAL_PREPARATION: 1950,
                  EnterpriseType.VACCINE_DISTRIBUTOR: 1980}.get(enterprise_type, 1995)
        start = date(oldest, 1, 1)
        return start + timedelta(days=self.rng.randrange((date(2025, 6, 30) - start).days))

    def add_enterprise(self, enterprise_type, county, *, name=None, town=None, prefix=None, login=None,
                       templates=None):
        self.serial += 1
        town, address = self.address(county, town)
        registered_on = self.registered_on(enterprise_type)
        if name is None:
            templates = templates or NAME_TEMPLATES[enterprise_type]
            town_short = town.removesuffix("街道").removesuffix("镇")
            name = self.unique_name(lambda: self.rng.choice(templates).format(
                b=self.brand(), p=COUNTIES[county].prefix, t=town_short))
        else:
            self.names.add(name)
        if prefix is None:
            shop = name.endswith(INDIVIDUAL_BUSINESS_MARKERS) and login is None
            prefix = "92" if shop and self.rng.random() < 0.6 else "91"
        status = EnterpriseStatus.ACTIVE
        if login is None and enterprise_type in (EnterpriseType.PHARMACY, EnterpriseType.DEVICE_DISTRIBUTOR):
            roll = self.rng.random()
            status = (EnterpriseStatus.SUSPENDED if roll < 0.01
                      else EnterpriseStatus.CLOSED if roll < 0.03 else EnterpriseStatus.ACTIVE)
        spec = EnterpriseSpec(
            credit_code=credit_code(prefix, county, self.serial, registered_on=registered_on),
            name=name, enterprise_type=enterprise_type, county=county, address=address,
            legal_representative=self.person(), registered_on=registered_on, status=status, login=login,
        )
        self.plan.enterprises.append(spec)
        return spec

    def staff(self):
        for code, slug in AGENCY_SLUGS.items():
            for suffix, role in STAFF_ROLES:
                login = Login(f"{slug}.{suffix}", self.person(), UserKind.STAFF, role, agency=code)
                self.plan.logins.append(login)

    def enterprises(self):
        populations = {code: population for code, *_r, population, _y, _f, valid_to, _s in DIVISIONS
                       if code in COUNTY_CODES and valid_to is None}
        weights = [populations[code] for code in COUNTY_CODES]
        chains: list[EnterpriseSpec] = []
        for enterprise_type, total in POPULATION.items():
            if enterprise_type in NAMED:
                for county, name, prefix in NAMED[enterprise_type]:
                    self.add_enterprise(enterprise_type, county, name=name, prefix=prefix)
                continue
            for county, count in zip(COUNTY_CODES, _allocate(total, weights), strict=True):
                for index in range(count):
                    featured = FEATURED.get((enterprise_type, county)) if index == 0 else None
                    if featured:
                        name, town, login = featured
                        spec = self.add_enterprise(enterprise_type, county, name=name, town=town, login=login)
                    elif enterprise_type == EnterpriseType.CHAIN_STORE:
                        spec = self.chain_store(county, chains)
                    elif enterprise_type == EnterpriseType.DRUG_MANUFACTURER and not self.vaccine_maker:
                        spec = self.vaccine_maker = self.add_enterprise(
                            enterprise_type, county, templates=VACCINE_MAKER_TEMPLATE)
                    else:
                        spec = self.add_enterprise(enterprise_type, county)
                    if enterprise_type == EnterpriseType.RETAIL_CHAIN_HQ:
                        chains.append(spec)

    def chain_store(self, county: str, chains: list[EnterpriseSpec]) -> EnterpriseSpec:
        hq = self.rng.choices(chains, weights=[30, 20, 15, 12, 10, 8, 5][: len(chains)])[0]
        town = self.rng.choice(COUNTIES[county].towns)
        town_short = town.removesuffix("街道").removesuffix("镇")
        for ordinal in CN_ORDINALS:
            name = f"{hq.name}{town_short}{ordinal}店"
            if name not in self.names:
                break
        else:
            name = self.unique_name(lambda: f"{hq.name}{town_short}{self.brand()}店")
        return self.add_enterprise(EnterpriseType.CHAIN_STORE, county, name=name, town=town)

    def approval_number(self, letter: str) -> str:
        self.approval_serial[letter] += 1
        base = {"H": 44020000, "Z": 44021000, "S": 20243000}[letter]
        return f"国药准字{letter}{base + self.approval_serial[letter]:08d}"

    def trace_prefix(self) -> str:
        self.trace_serial += 1
        return f"86{44000 + self.trace_serial:05d}"

    def batches(self, product: ProductSpec, count: int, shelf_months: tuple[int, ...], style: str):
        made = date(2024, 1, 2) + timedelta(days=self.rng.randrange(300))
        for index in range(count):
            months = self.rng.choice(shelf_months)
            number = f"{made:%y%m%d}{index + 1:02d}" if style == "drug" else f"{made:%Y%m%d}"
            self.plan.batches.append(BatchSpec(product.approval_number, number, made,
                                               _add_months(made, months) - timedelta(days=1)))
            made += timedelta(days=self.rng.randint(60, 200))

    def products(self):
        rng = self.rng
        registration_serial = 0
        for maker in self.plan.of_type(EnterpriseType.DRUG_MANUFACTURER):
            featured = maker.login is not None
            if maker is self.vaccine_maker:
                entries = [(name, "S", spec, ProductKind.VACCINE) for name, spec in VACCINES]
            else:
                entries = [(name, letter, spec, ProductKind.DRUG)
                           for name, letter, spec in rng.sample(DRUGS, 4 if featured else rng.randint(3, 6))]
            for name, letter, spec, kind in entries:
                traced = kind == ProductKind.VACCINE or featured or rng.random() < 0.7
                product = ProductSpec(maker.credit_code, kind, name, self.approval_number(letter), spec,
                                      self.trace_prefix() if traced else None, via_service=featured)
                self.plan.products.append(product)
                shelf = (24,) if kind == ProductKind.VACCINE else (24, 36)
                self.batches(product, 3, shelf, "drug")
        for maker in self.plan.of_type(EnterpriseType.DEVICE_MANUFACTURER):
            for name, spec, device_class, category in rng.sample(DEVICES, rng.randint(1, 3)):
                registration_serial += 1
                year = rng.randint(2018, 2025)
                number = {
                    1: f"粤潮械备{year}{registration_serial:04d}号",
                    2: f"粤械注准{year}2{category}{registration_serial:04d}",
                    3: f"国械注准{year}3{category}{registration_serial:04d}",
                }[device_class]
                product = ProductSpec(maker.credit_code, ProductKind.DEVICE, name, number, spec, None)
                self.plan.products.append(product)
                self.batches(product, 2, (36, 60), "lot")
        for maker in self.plan.of_type(EnterpriseType.COSMETICS_MANUFACTURER):
            for name, spec, special in rng.sample(COSMETICS, rng.randint(2, 4)):
                registration_serial += 1
                year = rng.randint(2021, 2025)
                number = (f"国妆特字G{year}{registration_serial:04d}" if special
                          else f"粤G妆网备字{year}{registration_serial:06d}")
                product = ProductSpec(maker.credit_code, ProductKind.COSMETIC, name, number, spec, None)
                self.plan.products.append(product)
                self.batches(product, 2, (36,), "lot")

    def enterprise_logins(self):
        for spec in self.plan.enterprises:
            if spec.login:
                self.plan.logins.append(Login(spec.login, self.person(), UserKind.ENTERPRISE,
                                              enterprise=spec.credit_code))
        self.plan.logins.append(Login(ADMIN_USERNAME, "平台管理员", UserKind.PLATFORM))

    def deadlines(self):
        plan = self.plan
        plan.deadlines = [
            DeadlineSpec(plan.featured("pharmacy.xiangqiao").credit_code, "complaint.accept_decision", 2),
            DeadlineSpec(plan.featured("pharmacy.chaoan").credit_code, "licence.drug_business.decision", 6),
            # Overdue: 15 working days from 40 calendar days ago.
            DeadlineSpec(plan.featured("pharmacy.raoping").credit_code, "report.verify", 40),
            DeadlineSpec(plan.first(EnterpriseType.DEVICE_DISTRIBUTOR, "445103").credit_code,
                         "licence.device_business.decision", 12, stopped_days_ago=4,
                         stop_reason="等待申请人补正材料"),
            DeadlineSpec(plan.featured("wholesaler.xiangqiao").credit_code, "complaint.notify_parties", 20,
                         completed_days_ago=15),
        ]


def build_plan() -> Plan:
    """Everything the demo contains, computed without touching the database (same result every time)."""
    planner = _Planner()
    planner.staff()
    planner.enterprises()
    planner.products()
    planner.enterprise_logins()
    planner.deadlines()
    return planner.plan


# --- Writing it --------------------------------------------------------------------------------

# Domain apps add their demo data from AppConfig.ready(): register_seeder("licensing", seed_licensing).
# A seeder takes ``today=`` and returns a Counter of what it created; like the kernel's, it must be
# deterministic and create nothing on a second run.
_seeders: dict[str, tuple[int, Callable[..., Counter]]] = {}


def register_seeder(name: str, func: Callable[..., Counter], *, order: int = 100) -> None:
    _seeders[name] = (order, func)


def seed(*, today: date | None = None) -> Counter:
    """Create whatever part of the plan is missing; returns how many rows of each kind were created."""
    plan = build_plan()
    today = today or timezone.localdate()
    created = Counter()
    with audit_context(command="seed_demo"), transaction.atomic():
        jurisdictions = ensure_geography()
        people = [x for x in plan.logins if x.enterprise is None]
        created["users"] += _seed_people(jurisdictions, logins=people)
        created["enterprises"] += _seed_enterprises(plan, jurisdictions)
        products, created["products"] = _seed_products(plan)
        created["batches"] += _seed_batches(plan, products)
        created["users"] += _seed_people(jurisdictions, logins=[x for x in plan.logins if x.enterprise])
        created["deadlines"] += _seed_deadlines(plan, today)
        for _order, seeder in sorted(_seeders.values(), key=lambda item: item[0]):
            created.update(seeder(today=today))
    return created


def _officer(county: str) -> User:
    """The county's intake officer: the actor of the featured registrations."""
    return User.objects.select_related("agency__jurisdiction").get(username=f"{AGENCY_SLUGS[county]}.officer")


def _seed_people(jurisdictions: dict, *, logins: list[Login]) -> int:
    usernames = [x.username for x in logins]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    missing = [x for x in logins if x.username not in existing]
    if not missing:
        return 0
    password = make_password(PASSWORD)  # hashed once: one slow hash, not one per user
    codes = [x.enterprise for x in missing if x.enterprise]
    enterprises = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id"))
    users = []
    for login in missing:
        user = User(username=login.username, full_name=login.full_name, kind=login.kind, password=password,
                    roles=[login.role] if login.role else [], email=f"{login.username}@regulator.example")
        if login.agency:
            user.agency = jurisdictions[login.agency].agency
        if login.enterprise:
            user.enterprise_id = enterprises[login.enterprise]
        if login.kind == UserKind.PLATFORM:
            user.is_superuser = user.is_staff = True
        users.append(user)
    User.objects.bulk_create(users)
    return len(users)


def _seed_enterprises(plan: Plan, jurisdictions: dict) -> int:
    existing = set(Enterprise.objects.filter(credit_code__in=[e.credit_code for e in plan.enterprises])
                   .values_list("credit_code", flat=True))
    missing = [spec for spec in plan.enterprises if spec.credit_code not in existing]
    bulk = []
    for spec in missing:
        if spec.login:
            services.register_enterprise(
                actor=_officer(spec.county), credit_code=spec.credit_code, name=spec.name,
                enterprise_type=spec.enterprise_type, address=spec.address, jurisdiction_code=spec.county,
                legal_representative=spec.legal_representative, registered_on=spec.registered_on,
            )
        else:
            bulk.append(Enterprise(
                credit_code=spec.credit_code, name=spec.name, enterprise_type=spec.enterprise_type,
                jurisdiction=jurisdictions[spec.county], address=spec.address, status=spec.status,
                legal_representative=spec.legal_representative, registered_on=spec.registered_on,
            ))
    Enterprise.objects.bulk_create(bulk, batch_size=1000)
    return len(missing)


def _seed_products(plan: Plan) -> tuple[dict[str, Product], int]:
    numbers = [p.approval_number for p in plan.products]
    existing = set(Product.objects.filter(approval_number__in=numbers)
                   .values_list("approval_number", flat=True))
    missing = [spec for spec in plan.products if spec.approval_number not in existing]
    holders = {e.credit_code: e for e in Enterprise.objects.select_related("jurisdiction")
               .filter(credit_code__in={p.holder for p in missing})}
    bulk = []
    for spec in missing:
        holder = holders[spec.holder]
        if spec.via_service:
            services.register_product(
                actor=_officer(holder.jurisdiction.code), enterprise=holder, kind=spec.kind, name=spec.name,
                approval_number=spec.approval_number, specification=spec.specification,
                trace_prefix=spec.trace_prefix,
            )
        else:
            bulk.append(Product(enterprise=holder, jurisdiction_id=holder.jurisdiction_id, kind=spec.kind,
                                name=spec.name, approval_number=spec.approval_number,
                                specification=spec.specification, trace_prefix=spec.trace_prefix))
    # A clashing trace prefix entered by hand elsewhere skips that one product instead of failing the seed.
    Product.objects.bulk_create(bulk, batch_size=1000, ignore_conflicts=True)
    products = {p.approval_number: p
                for p in Product.objects.filter(approval_number__in=numbers).select_related("jurisdiction")}
    return products, len(products) - len(existing)


def _seed_batches(plan: Plan, products: dict[str, Product]) -> int:
    existing = set(Batch.objects.filter(product__in=products.values())
                   .values_list("product_id", "batch_number"))
    via_service = {p.approval_number for p in plan.products if p.via_service}
    bulk, registered = [], 0
    for spec in plan.batches:
        product = products.get(spec.approval_number)
        if product is None or (product.pk, spec.batch_number) in existing:
            continue
        if spec.approval_number in via_service:
            services.register_batch(actor=_officer(product.jurisdiction.code), product=product,
                                    batch_number=spec.batch_number, manufactured_on=spec.manufactured_on,
                                    expires_on=spec.expires_on)
            registered += 1
        else:
            bulk.append(Batch(product=product, jurisdiction_id=product.jurisdiction_id,
                              batch_number=spec.batch_number, manufactured_on=spec.manufactured_on,
                              expires_on=spec.expires_on))
    Batch.objects.bulk_create(bulk, batch_size=1000)
    return registered + len(bulk)


def _seed_deadlines(plan: Plan, today: date) -> int:
    enterprise_type = ContentType.objects.get_for_model(Enterprise)
    subjects = {e.credit_code: e for e in Enterprise.objects.filter(
        credit_code__in=[d.enterprise for d in plan.deadlines]).select_related("jurisdiction")}
    created = 0
    for spec in plan.deadlines:
        subject = subjects[spec.enterprise]
        if Deadline.objects.filter(subject_type=enterprise_type, subject_id=str(subject.pk),
                                   rule__code=spec.rule).exists():
            continue
        started_on = today - timedelta(days=spec.started_days_ago)
        deadline = services.start_deadline(subject, spec.rule, started_on=started_on)
        if spec.stopped_days_ago is not None:
            stopped_on = today - timedelta(days=spec.stopped_days_ago)
            services.stop_clock(deadline, on=stopped_on, reason=spec.stop_reason)
        if spec.completed_days_ago is not None:
            services.complete_deadline(deadline, on=today - timedelta(days=spec.completed_days_ago))
        created += 1
    return created
