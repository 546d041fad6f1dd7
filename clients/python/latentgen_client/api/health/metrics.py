from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from typing import cast



def _get_kwargs(
    
) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/metrics",
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,

) -> Response[ErrorResponse | str]:
    """ Metrics

     Prometheus metrics: HTTP requests by route template and status, their latency, and the jobs
    in the database (by kind and status, running ones by stage, durations of finished ones by kind
    and end state) and the live workers. They cover every owner, so they need
    `Authorization: Bearer <LATENTGEN_METRICS_TOKEN>` (where none is set: an API key).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | str]
     """


    kwargs = _get_kwargs(
        
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,

) -> ErrorResponse | str | None:
    """ Metrics

     Prometheus metrics: HTTP requests by route template and status, their latency, and the jobs
    in the database (by kind and status, running ones by stage, durations of finished ones by kind
    and end state) and the live workers. They cover every owner, so they need
    `Authorization: Bearer <LATENTGEN_METRICS_TOKEN>` (where none is set: an API key).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | str
     """


    return sync_detailed(
        client=client,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,

) -> Response[ErrorResponse | str]:
    """ Metrics

     Prometheus metrics: HTTP requests by route template and status, their latency, and the jobs
    in the database (by kind and status, running ones by stage, durations of finished ones by kind
    and end state) and the live workers. They cover every owner, so they need
    `Authorization: Bearer <LATENTGEN_METRICS_TOKEN>` (where none is set: an API key).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | str]
     """


    kwargs = _get_kwargs(
        
    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,

) -> ErrorResponse | str | None:
    """ Metrics

     Prometheus metrics: HTTP requests by route template and status, their latency, and the jobs
    in the database (by kind and status, running ones by stage, durations of finished ones by kind
    and end state) and the live workers. They cover every owner, so they need
    `Authorization: Bearer <LATENTGEN_METRICS_TOKEN>` (where none is set: an API key).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | str
     """


    return (await asyncio_detailed(
        client=client,

    )).parsed
