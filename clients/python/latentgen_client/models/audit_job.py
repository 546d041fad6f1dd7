from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_status import JobStatus
from typing import cast
from typing import Literal, cast
import datetime

if TYPE_CHECKING:
  from ..models.audit_params import AuditParams
  from ..models.job_error import JobError
  from ..models.progress import Progress





T = TypeVar("T", bound="AuditJob")



@_attrs_define
class AuditJob:
    """ 
        Attributes:
            id (str):
            status (JobStatus):
            queue (str):
            model_id (None | str):
            dataset_id (None | str):
            source_job_id (None | str):
            progress (Progress):
            error (JobError | None):
            output_model_id (None | str):
            attempts (int):
            time_limit_s (float | None): the limit the job asked for; null: its kind's
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            started_at (datetime.datetime | None):
            finished_at (datetime.datetime | None):
            kind (Literal['audit']):
            params (AuditParams):
     """

    id: str
    status: JobStatus
    queue: str
    model_id: None | str
    dataset_id: None | str
    source_job_id: None | str
    progress: Progress
    error: JobError | None
    output_model_id: None | str
    attempts: int
    time_limit_s: float | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    kind: Literal['audit']
    params: AuditParams
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_params import AuditParams # noqa: PLC0415
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.progress import Progress # noqa: PLC0415
        id = self.id

        status = self.status.value

        queue = self.queue

        model_id: None | str
        model_id = self.model_id

        dataset_id: None | str
        dataset_id = self.dataset_id

        source_job_id: None | str
        source_job_id = self.source_job_id

        progress = self.progress.to_dict()

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        output_model_id: None | str
        output_model_id = self.output_model_id

        attempts = self.attempts

        time_limit_s: float | None
        time_limit_s = self.time_limit_s

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        kind = self.kind

        params = self.params.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "status": status,
            "queue": queue,
            "model_id": model_id,
            "dataset_id": dataset_id,
            "source_job_id": source_job_id,
            "progress": progress,
            "error": error,
            "output_model_id": output_model_id,
            "attempts": attempts,
            "time_limit_s": time_limit_s,
            "created_at": created_at,
            "updated_at": updated_at,
            "started_at": started_at,
            "finished_at": finished_at,
            "kind": kind,
            "params": params,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_params import AuditParams # noqa: PLC0415
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.progress import Progress # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        status = JobStatus(d.pop("status"))




        queue = d.pop("queue")

        def _parse_model_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model_id = _parse_model_id(d.pop("model_id"))


        def _parse_dataset_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id"))


        def _parse_source_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source_job_id = _parse_source_job_id(d.pop("source_job_id"))


        progress = Progress.from_dict(d.pop("progress"))




        def _parse_error(data: object) -> JobError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = JobError.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobError | None, data)

        error = _parse_error(d.pop("error"))


        def _parse_output_model_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        output_model_id = _parse_output_model_id(d.pop("output_model_id"))


        attempts = d.pop("attempts")

        def _parse_time_limit_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        time_limit_s = _parse_time_limit_s(d.pop("time_limit_s"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))


        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))


        kind = cast(Literal['audit'] , d.pop("kind"))
        if kind != 'audit':
            raise ValueError(f"kind must match const 'audit', got '{kind}'")

        params = AuditParams.from_dict(d.pop("params"))




        audit_job = cls(
            id=id,
            status=status,
            queue=queue,
            model_id=model_id,
            dataset_id=dataset_id,
            source_job_id=source_job_id,
            progress=progress,
            error=error,
            output_model_id=output_model_id,
            attempts=attempts,
            time_limit_s=time_limit_s,
            created_at=created_at,
            updated_at=updated_at,
            started_at=started_at,
            finished_at=finished_at,
            kind=kind,
            params=params,
        )


        audit_job.additional_properties = d
        return audit_job

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
