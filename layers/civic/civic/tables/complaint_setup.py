"""ComplaintSetup: what an agency lets citizens report and how it routes them — categories, service areas,
departments, its settings (triage, duty officers, supervisors) and its Open311 API keys (hashed).

Key: agency_id (hash), item (range) = `category#<code>` | `area#<id>` | `department#<code>` | `settings` |
`apikey#<sha256 of the key>`. Staff reach only their own agency's items; a citizen's postback naming a
category finds it only under the deployment's agency. Personal data: the duty officers' and supervisors'
LINE ids (staff, not citizens), configured by the agency's admin.
"""

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from civic.settings import setting
from civic.tables.base import CivicModel, TextJSONAttribute

TABLE, OWNER = "ComplaintSetupTable", "agency"


class _Setup(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("complaint_setup_table")

    agency_id = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)


class Category(_Setup):
    code = UnicodeAttribute()
    name_th = UnicodeAttribute()
    name_en = UnicodeAttribute()
    hint_th = UnicodeAttribute(default="")
    hint_en = UnicodeAttribute(default="")
    sla_days = NumberAttribute(default=3)              # working days to the expected completion
    department = UnicodeAttribute()                    # department code the category routes to
    urgent = BooleanAttribute(default=False)           # emergency numbers on the receipt, duty officer alerted
    emergency = ListAttribute(of=UnicodeAttribute, default=list)  # e.g. ["199"] fire, ["1669"] medical
    order = NumberAttribute(default=100)
    active = BooleanAttribute(default=True)

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    def hint(self, lang: str) -> str:
        return self.hint_th if lang == "th" else self.hint_en


class Area(_Setup):
    area_id = UnicodeAttribute()
    name_th = UnicodeAttribute()
    name_en = UnicodeAttribute()
    geometry = TextJSONAttribute()                         # GeoJSON Polygon or MultiPolygon, WGS84 (lng, lat)
    departments = TextJSONAttribute(default=dict)          # category code → department, overriding the category's
    active = BooleanAttribute(default=True)

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


class Department(_Setup):
    code = UnicodeAttribute()
    name_th = UnicodeAttribute()
    name_en = UnicodeAttribute()

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


class Settings(_Setup):
    name_th = UnicodeAttribute(default="")             # the agency's name, for citizens and Open311
    name_en = UnicodeAttribute(default="")
    triage_department = UnicodeAttribute(default="central-triage")
    duty_officers = ListAttribute(of=UnicodeAttribute, default=list)  # LINE ids alerted at once on urgent cases
    supervisors = ListAttribute(of=UnicodeAttribute, default=list)    # LINE ids told of overdue cases
    contact = UnicodeAttribute(default="")             # Open311 discovery's contact

    def name(self, lang: str) -> str:
        return (self.name_th if lang == "th" else self.name_en) or self.agency_id


class ApiKey(_Setup):
    key_id = UnicodeAttribute()                        # the first 8 hex of the hash: how staff name a key
    label = UnicodeAttribute(default="")
    created_at = NumberAttribute()
    active = BooleanAttribute(default=True)


def _get(model, agency_id: str, item: str):
    try:
        return model.get(agency_id, item, consistent_read=True)
    except model.DoesNotExist:
        return None


def _of(model, agency_id: str, prefix: str) -> list:
    return list(model.query(agency_id, model.item.startswith(prefix)))


def category(agency_id: str, code: str) -> Category | None:
    return _get(Category, agency_id, f"category#{code}")


def categories(agency_id: str) -> list[Category]:
    return sorted(_of(Category, agency_id, "category#"), key=lambda c: (c.order, c.code))


def area(agency_id: str, area_id: str) -> Area | None:
    return _get(Area, agency_id, f"area#{area_id}")


def areas(agency_id: str) -> list[Area]:
    return _of(Area, agency_id, "area#")


def department(agency_id: str, code: str) -> Department | None:
    return _get(Department, agency_id, f"department#{code}")


def departments(agency_id: str) -> list[Department]:
    return _of(Department, agency_id, "department#")


def settings_of(agency_id: str) -> Settings:
    """The agency's complaint settings; defaults when it has saved none."""
    return _get(Settings, agency_id, "settings") or Settings(agency_id, "settings")


def api_key(agency_id: str, key_hash: str) -> ApiKey | None:
    return _get(ApiKey, agency_id, f"apikey#{key_hash}")


def api_keys(agency_id: str) -> list[ApiKey]:
    return _of(ApiKey, agency_id, "apikey#")


def takes_complaints(agency_id: str) -> bool:
    """The agency has at least one category (a Query of its own partition, one item)."""
    return bool(list(Category.query(agency_id, Category.item.startswith("category#"), limit=1,
                                    attributes_to_get=["agency_id", "item"])))


def agencies() -> list[str]:
    """Every agency of the deployment with complaint categories (a small configuration table, read by the
    schedule, which then acts on each agency apart, and by Open311 to know its jurisdictions)."""
    return sorted({item.agency_id for item in _Setup.scan(_Setup.item.startswith("category#"),
                                                          attributes_to_get=["agency_id", "item"])})
