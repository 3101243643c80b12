"""Request facts every router may need: the settings, the bearer credentials, the client."""

from __future__ import annotations

from ipaddress import IPv6Address, ip_address, ip_network
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gravl.auth.sessions import Client
from gravl.config import Settings

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


# The dependencies below are ``async def`` although they never await: FastAPI runs a plain
# ``def`` dependency in a worker thread, a thread hop on every request.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def client_address(request: Request) -> str:
    """Who a rate limit counts: the client's address, or for IPv6 its /64 (one subscriber's
    network: a host can pick any address inside it)."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ip_address(host)
    except ValueError:
        return host
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


ClientAddress = Annotated[str, Depends(client_address)]


async def client_info(request: Request) -> Client:
    """The client's address and user agent, as sessions and security events record them."""
    return Client.of(await client_address(request), request.headers.get("user-agent"))


ClientDep = Annotated[Client, Depends(client_info)]
