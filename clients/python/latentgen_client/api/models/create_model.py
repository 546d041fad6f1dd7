from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.model_out import ModelOut
from ...models.model_upload import ModelUpload
from typing import cast



def _get_kwargs(
    *,
    body: ModelUpload,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/models",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | ModelOut | None:
    if response.status_code == 200:
        response_200 = ModelOut.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = ModelOut.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 408:
        response_408 = ErrorResponse.from_dict(response.json())



        return response_408

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())



        return response_422

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())



        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())



        return response_503

    if response.status_code == 507:
        response_507 = ErrorResponse.from_dict(response.json())



        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | ModelOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ModelUpload,

) -> Response[ErrorResponse | ModelOut]:
    """ Upload a model: torch weights (safetensors or a state_dict) for an architecture, or an ONNX file

    Args:
        body (ModelUpload): `POST /v1/models`, multipart/form-data: torch weights and their
            architecture (a JSON part),
            or an ONNX file alone (the graph is the architecture).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ModelOut]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: ModelUpload,

) -> ErrorResponse | ModelOut | None:
    """ Upload a model: torch weights (safetensors or a state_dict) for an architecture, or an ONNX file

    Args:
        body (ModelUpload): `POST /v1/models`, multipart/form-data: torch weights and their
            architecture (a JSON part),
            or an ONNX file alone (the graph is the architecture).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ModelOut
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ModelUpload,

) -> Response[ErrorResponse | ModelOut]:
    """ Upload a model: torch weights (safetensors or a state_dict) for an architecture, or an ONNX file

    Args:
        body (ModelUpload): `POST /v1/models`, multipart/form-data: torch weights and their
            architecture (a JSON part),
            or an ONNX file alone (the graph is the architecture).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ModelOut]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ModelUpload,

) -> ErrorResponse | ModelOut | None:
    """ Upload a model: torch weights (safetensors or a state_dict) for an architecture, or an ONNX file

    Args:
        body (ModelUpload): `POST /v1/models`, multipart/form-data: torch weights and their
            architecture (a JSON part),
            or an ONNX file alone (the graph is the architecture).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ModelOut
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
