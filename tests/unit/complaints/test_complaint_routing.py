"""Routing by category and place (civic.complaints.routing): point in polygon with shapely, central triage for a
place outside every area or an unknown category (row 44)."""

from types import SimpleNamespace

import pytest

from civic.complaints import routing


def _square(south, west, north, east) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


def _area(area_id, geometry, departments=None, active=True):
    return SimpleNamespace(area_id=area_id, geometry=geometry, departments=departments or {}, active=active)


ROAD = SimpleNamespace(code="road", department="public-works")
AREAS = [_area("north", _square(13.75, 100.48, 13.78, 100.53)), _area("south", _square(13.72, 100.48, 13.75, 100.53),
                                                                       {"road": "public-works-south"}),
         _area("old-town", _square(13.755, 100.49, 13.76, 100.50))]


def test_a_point_in_an_area_goes_to_the_categorys_department_there():
    """GIVEN a road problem in the north zone WHEN routed THEN public works, area north, no triage."""
    assert routing.route(ROAD, (13.77, 100.52), AREAS, "triage") == routing.Routing("public-works", "north", None)


def test_an_area_may_send_a_category_to_its_own_department():
    """GIVEN the south zone sending roads to its own crew WHEN a road problem is there THEN that crew."""
    assert routing.route(ROAD, (13.73, 100.50), AREAS, "triage").department == "public-works-south"


def test_the_smallest_area_holding_the_point_wins():
    """GIVEN the old town inside the north zone WHEN a point is in both THEN the old town."""
    assert routing.route(ROAD, (13.757, 100.495), AREAS, "triage").area_id == "old-town"


def test_a_place_outside_every_area_goes_to_central_triage():
    """GIVEN areas around Bangkok WHEN the point is in Chiang Mai THEN central triage, reason outside_areas."""
    assert routing.route(ROAD, (18.79, 98.98), AREAS, "triage") == routing.Routing("triage", None, "outside_areas")


def test_an_unknown_category_goes_to_central_triage_wherever_it_is():
    """GIVEN no category WHEN routed anywhere THEN central triage, reason unknown_category."""
    assert routing.route(None, (13.77, 100.52), AREAS, "triage") == routing.Routing("triage", None, "unknown_category")


def test_a_typed_place_or_an_agency_without_areas_goes_to_the_department():
    """GIVEN no coordinates (a typed landmark), or an agency that drew no areas WHEN routed THEN the category's
    department, no area, not triage."""
    assert routing.route(ROAD, None, AREAS, "triage") == routing.Routing("public-works", None, None)
    assert routing.route(ROAD, (1.0, 1.0), [], "triage") == routing.Routing("public-works", None, None)
    assert routing.route(ROAD, (13.77, 100.52), [_area("x", AREAS[0].geometry, active=False)], "triage").area_id is None


@pytest.mark.parametrize("geometry,reason", [
    ({"type": "Point", "coordinates": [100.5, 13.7]}, "Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "invalid polygon"),
    ({"type": "Polygon", "coordinates": [[[13.7, 100.5], [13.8, 100.5], [13.8, 100.6], [13.7, 100.5]]]}, "longitude"),
    ({"type": "Polygon", "coordinates": "nope"}, "not a GeoJSON polygon"),
])
def test_an_area_that_cannot_be_is_refused_with_the_reason(geometry, reason):
    """GIVEN a point, a self-crossing ring, latitude and longitude swapped, or garbage WHEN checked THEN AreaError
    saying what is wrong."""
    with pytest.raises(routing.AreaError, match=reason):
        routing.geometry(geometry)
