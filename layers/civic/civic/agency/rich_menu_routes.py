"""Agency API routes for the rich menu, under /agency/rich-menu: which services it shows and in which order
(officers read, admins choose), and publishing it to the LINE channel (admins).

Publishing runs here, in the agency API, through the same publisher as the deploy's custom resource
(civic.rich_menu.publisher, LINE through civic.line_api only): drawing takes ~0.15 s, so the admin gets LINE's
answer — the new menu's id, or LINE's refusal — in the same request, with no second function to invoke and
wait for. The stored choice is the one source: the deploy, the local start-up and this route publish from it.
"""

from datetime import datetime

from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from pydantic import BaseModel, Field, field_validator

from civic import thai
from civic.agency import identity
from civic.rich_menu import services
from civic.tables import rich_menus

router = APIGatewayHttpRouter()


class ServiceOut(BaseModel):
    name: str
    label_th: str
    label_en: str
    enabled: bool


class PublishedOut(BaseModel):
    rich_menu_id: str
    at: datetime
    by: str = Field(description="the staff member's subject, or `deploy`")


class MenuOut(BaseModel):
    services: list[ServiceOut] = Field(description="every service that can have a tile: shown ones in menu order")
    published: PublishedOut | None
    size: str = Field(description="`compact` (one row, 2500×843) or `large` (2500×1686), for the stored choice")


class MenuIn(BaseModel):
    services: list[str] = Field(description="the services shown, in menu order, e.g. [\"booking\", \"complaint\"]",
                                max_length=20)

    @field_validator("services")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return services.check(value)


class PublishOut(BaseModel):
    rich_menu_id: str
    areas: int
    status: str = Field(description="`published` (a new menu is the default) or `unchanged` (it already was)")


def _staff(role: str) -> identity.Staff:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require(role)
    return caller


def _menu(agency_id: str) -> MenuOut:
    config, record = rich_menus.config(agency_id), rich_menus.published(agency_id)
    order, hidden = (config.order, config.hidden) if config else (None, None)
    published = None
    if record is not None and record.rich_menu_id:
        published = PublishedOut(rich_menu_id=record.rich_menu_id, at=thai.from_epoch(record.updated_at),
                                 by=record.published_by or "deploy")
    return MenuOut(services=[ServiceOut(**vars(s)) for s in services.services(order, hidden)], published=published,
                   size=services.size(order, hidden))


@router.get("/agency/rich-menu", summary="The rich menu's services, in order, and what is published",
            tags=["rich-menu"])
def read_menu() -> MenuOut:
    return _menu(_staff("officer").agency_id)


@router.put("/agency/rich-menu", summary="Choose and order the menu's services (publish to show it)",
            tags=["rich-menu"])
def choose(body: MenuIn) -> MenuOut:
    caller = _staff("admin")
    order, hidden = services.configuration(body.services)
    rich_menus.save_config(caller.agency_id, order, hidden, thai.now().timestamp())
    return _menu(caller.agency_id)


@router.post("/agency/rich-menu/publish", summary="Draw the chosen menu and set it on the LINE channel",
             tags=["rich-menu"])
def publish() -> PublishOut:
    caller = _staff("admin")
    from civic.rich_menu import publisher  # Pillow and HarfBuzz only when a menu is drawn

    try:
        outcome = publisher.publish(caller.agency_id, by=caller.subject)
    except publisher.PublishError as error:
        # No answer from LINE: our own refusal (another agency's channel, LINE's 1,000 menus); else LINE's.
        raise ServiceError(409 if error.answer is None else 502, str(error)) from error
    except GetParameterError as error:
        raise ServiceError(502, f"the LINE channel's access token could not be read: {error}") from error
    if outcome.rich_menu_id is None:
        raise ServiceError(409, "the menu shows no service: choose at least one")
    return PublishOut(rich_menu_id=outcome.rich_menu_id, areas=len(outcome.entries), status=outcome.status)
