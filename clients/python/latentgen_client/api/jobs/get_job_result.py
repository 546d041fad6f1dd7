from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_result import AuditResult
from ...models.dynamics_result import DynamicsResult
from ...models.error_response import ErrorResponse
from ...models.graft_result import GraftResult
from ...models.midway_result import MidwayResult
from ...models.probe_result import ProbeResult
from ...models.repair_result import RepairResult
from ...models.train_result import TrainResult
from typing import cast



def _get_kwargs(
    job_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/jobs/{job_id}/result".format(job_id=quote(str(job_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = ProbeResult.from_dict(data)



                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_1 = RepairResult.from_dict(data)



                return response_200_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_2 = TrainResult.from_dict(data)



                return response_200_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_3 = DynamicsResult.from_dict(data)



                return response_200_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_4 = MidwayResult.from_dict(data)



                return response_200_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_5 = AuditResult.from_dict(data)



                return response_200_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_6 = GraftResult.from_dict(data)



            return response_200_type_6

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())



        return response_409

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())



        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse]:
    """ Get Job Result

     The job's table (`rows`, typed per kind), its `summary` and its artifacts.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse]
     """


    kwargs = _get_kwargs(
        job_id=job_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse | None:
    """ Get Job Result

     The job's table (`rows`, typed per kind), its `summary` and its artifacts.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse
     """


    return sync_detailed(
        job_id=job_id,
client=client,

    ).parsed

async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse]:
    """ Get Job Result

     The job's table (`rows`, typed per kind), its `summary` and its artifacts.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse]
     """


    kwargs = _get_kwargs(
        job_id=job_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse | None:
    """ Get Job Result

     The job's table (`rows`, typed per kind), its `summary` and its artifacts.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditResult | DynamicsResult | GraftResult | MidwayResult | ProbeResult | RepairResult | TrainResult | ErrorResponse
     """


    return (await asyncio_detailed(
        job_id=job_id,
client=client,

    )).parsed
