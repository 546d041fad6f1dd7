from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_job import AuditJob
from ...models.audit_job_create import AuditJobCreate
from ...models.dynamics_job import DynamicsJob
from ...models.dynamics_job_create import DynamicsJobCreate
from ...models.error_response import ErrorResponse
from ...models.graft_job import GraftJob
from ...models.graft_job_create import GraftJobCreate
from ...models.midway_job import MidwayJob
from ...models.midway_job_create import MidwayJobCreate
from ...models.probe_job import ProbeJob
from ...models.probe_job_create import ProbeJobCreate
from ...models.repair_job import RepairJob
from ...models.repair_job_create import RepairJobCreate
from ...models.train_job import TrainJob
from ...models.train_job_create import TrainJobCreate
from typing import cast



def _get_kwargs(
    *,
    body: AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate | ProbeJobCreate | RepairJobCreate | TrainJobCreate,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/jobs",
    }

    
    if isinstance(body, ProbeJobCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, RepairJobCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, TrainJobCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, DynamicsJobCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, MidwayJobCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, AuditJobCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()


    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse | None:
    if response.status_code == 202:
        def _parse_response_202(data: object) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_0 = ProbeJob.from_dict(data)



                return response_202_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_1 = RepairJob.from_dict(data)



                return response_202_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_2 = TrainJob.from_dict(data)



                return response_202_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_3 = DynamicsJob.from_dict(data)



                return response_202_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_4 = MidwayJob.from_dict(data)



                return response_202_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_5 = AuditJob.from_dict(data)



                return response_202_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_202_type_6 = GraftJob.from_dict(data)



            return response_202_type_6

        response_202 = _parse_response_202(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())



        return response_404

    if response.status_code == 408:
        response_408 = ErrorResponse.from_dict(response.json())



        return response_408

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())



        return response_429

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
    *,
    client: AuthenticatedClient,
    body: AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate | ProbeJobCreate | RepairJobCreate | TrainJobCreate,

) -> Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]:
    """ Queue a probe, repair, train, dynamics, midway, audit or graft job

    Args:
        body (AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate |
            ProbeJobCreate | RepairJobCreate | TrainJobCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]
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
    body: AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate | ProbeJobCreate | RepairJobCreate | TrainJobCreate,

) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse | None:
    """ Queue a probe, repair, train, dynamics, midway, audit or graft job

    Args:
        body (AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate |
            ProbeJobCreate | RepairJobCreate | TrainJobCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate | ProbeJobCreate | RepairJobCreate | TrainJobCreate,

) -> Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]:
    """ Queue a probe, repair, train, dynamics, midway, audit or graft job

    Args:
        body (AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate |
            ProbeJobCreate | RepairJobCreate | TrainJobCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse]
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
    body: AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate | ProbeJobCreate | RepairJobCreate | TrainJobCreate,

) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse | None:
    """ Queue a probe, repair, train, dynamics, midway, audit or graft job

    Args:
        body (AuditJobCreate | DynamicsJobCreate | GraftJobCreate | MidwayJobCreate |
            ProbeJobCreate | RepairJobCreate | TrainJobCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob | ErrorResponse
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
