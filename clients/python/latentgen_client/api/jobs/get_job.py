from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_job import AuditJob
from ...models.dynamics_job import DynamicsJob
from ...models.error_response import ErrorResponse
from ...models.graft_job import GraftJob
from ...models.midway_job import MidwayJob
from ...models.probe_job import ProbeJob
from ...models.repair_job import RepairJob
from ...models.train_job import TrainJob
from typing import cast



def _get_kwargs(
    job_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/jobs/{job_id}".format(job_id=quote(str(job_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = ProbeJob.from_dict(data)



                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_1 = RepairJob.from_dict(data)



                return response_200_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_2 = TrainJob.from_dict(data)



                return response_200_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_3 = DynamicsJob.from_dict(data)



                return response_200_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_4 = MidwayJob.from_dict(data)



                return response_200_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_5 = AuditJob.from_dict(data)



                return response_200_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_6 = GraftJob.from_dict(data)



            return response_200_type_6

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]:
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

) -> Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]:
    """ Get Job

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]
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

) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse | None:
    """ Get Job

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse
     """


    return sync_detailed(
        job_id=job_id,
client=client,

    ).parsed

async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]:
    """ Get Job

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]
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

) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse | None:
    """ Get Job

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse
     """


    return (await asyncio_detailed(
        job_id=job_id,
client=client,

    )).parsed
