"""Where a case goes: its category names the department, its place the service area (point in polygon,
with shapely); a place outside every area, or an unknown category, goes to the agency's central triage,
and the citizen is told why (RELIABILITY row 44). A typed landmark (no coordinates) goes to the
category's department with no area: the department knows its town, and staff see the landmark. An
agency that draws no areas at all serves everywhere.

Pure: the agency's categories and areas (read by attribute, as the table items are) in, a Routing out.
Areas are GeoJSON (Polygon or MultiPolygon, coordinates lng, lat, WGS84); when areas overlap, the
smallest one containing the point wins (a ward inside a district). An area may send a category to
another department than the category's own (the north zone's road crew).
"""

from dataclasses import dataclass
from functools import lru_cache
import json

from shapely import prepared
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

OUTSIDE, UNKNOWN = "outside_areas", "unknown_category"


class AreaError(ValueError):
    """A service area that cannot be: the reason is told to the admin who set it."""


@dataclass(frozen=True)
class Routing:
    department: str
    area_id: str | None
    triage_reason: str | None  # why central triage has it, or None

    @property
    def triaged(self) -> bool:
        return self.triage_reason is not None


def geometry(geojson: dict):
    """A shapely geometry from an area's GeoJSON, or AreaError with the reason."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise AreaError("an area is a GeoJSON Polygon or MultiPolygon")
    try:
        found = shape(geojson)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise AreaError(f"not a GeoJSON polygon: {exc}") from exc
    if found.is_empty or not found.is_valid:
        raise AreaError(f"invalid polygon: {explain_validity(found)}")
    west, south, east, north = found.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise AreaError("coordinates are longitude, latitude in degrees (WGS84)")
    return found


@lru_cache(maxsize=256)
def _prepared(geojson_text: str):
    found = geometry(json.loads(geojson_text))
    return prepared.prep(found), found.area


def area_of(areas: list, lat: float, lng: float):
    """The smallest active area containing the point (its border counts as inside), or None."""
    point = Point(lng, lat)
    inside = []
    for area in areas:
        if not area.active:
            continue
        shaped, size = _prepared(json.dumps(area.geometry, sort_keys=True))
        if shaped.covers(point):
            inside.append((size, area.area_id, area))
    return min(inside, key=lambda found: found[:2])[2] if inside else None


def route(category, point: tuple[float, float] | None, areas: list, triage_department: str) -> Routing:
    """category: the agency's category item, or None when the code is not one of them."""
    if category is None:
        return Routing(triage_department, None, UNKNOWN)
    if point is None or not any(a.active for a in areas):
        return Routing(category.department, None, None)
    area = area_of(areas, *point)
    if area is None:
        return Routing(triage_department, None, OUTSIDE)
    return Routing((area.departments or {}).get(category.code, category.department), area.area_id, None)
