"""An HTML "not found" page, with the navigation, for any unknown address outside the API.

Registered last, after every page. Its path pattern leaves out the API, static files, the docs
and the OpenAPI document, so those keep their own answers (the JSON envelope, files).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.convertors import Convertor, register_url_convertor
from starlette.responses import Response

from gravl.corridor import CorridorRoute
from gravl.web.routing import render
from gravl.web.session import OptionalWebLifter


class WebPathConvertor(Convertor[str]):
    regex = r"(?!api(?:/|$)|static/|docs$|openapi\.json$).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("webpath", WebPathConvertor())

router = APIRouter(include_in_schema=False, route_class=CorridorRoute)


@router.get("/{path:webpath}")
async def not_found(path: str, request: Request, user: OptionalWebLifter) -> Response:
    """Nothing lives at this address."""
    return render(request, "pages/not_found.html", {"user": user}, status_code=404)
