from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.dynamics_params import DynamicsParams





T = TypeVar("T", bound="DynamicsJobCreate")



@_attrs_define
class DynamicsJobCreate:
    """ Probe a run's checkpoints: those of a succeeded train job, or the user's own
    (`params.checkpoints` with the `dataset_id` they were trained on).

        Attributes:
            kind (Literal['dynamics']):
            time_limit_s (float | None | Unset): a wall-clock limit in seconds for each run of the job (and of each of its
                parts), at most its kind's (LATENTGEN_JOB_TIME_LIMITS_S, which applies when unset); past it the job fails
                `time_limit`
            train_job_id (None | str | Unset): a succeeded train job
            dataset_id (None | str | Unset): with params.checkpoints
            params (DynamicsParams | Unset):
     """

    kind: Literal['dynamics']
    time_limit_s: float | None | Unset = UNSET
    train_job_id: None | str | Unset = UNSET
    dataset_id: None | str | Unset = UNSET
    params: DynamicsParams | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dynamics_params import DynamicsParams # noqa: PLC0415
        kind = self.kind

        time_limit_s: float | None | Unset
        if isinstance(self.time_limit_s, Unset):
            time_limit_s = UNSET
        else:
            time_limit_s = self.time_limit_s

        train_job_id: None | str | Unset
        if isinstance(self.train_job_id, Unset):
            train_job_id = UNSET
        else:
            train_job_id = self.train_job_id

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        else:
            dataset_id = self.dataset_id

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
        })
        if time_limit_s is not UNSET:
            field_dict["time_limit_s"] = time_limit_s
        if train_job_id is not UNSET:
            field_dict["train_job_id"] = train_job_id
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dynamics_params import DynamicsParams # noqa: PLC0415
        d = dict(src_dict)
        kind = cast(Literal['dynamics'] , d.pop("kind"))
        if kind != 'dynamics':
            raise ValueError(f"kind must match const 'dynamics', got '{kind}'")

        def _parse_time_limit_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        time_limit_s = _parse_time_limit_s(d.pop("time_limit_s", UNSET))


        def _parse_train_job_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        train_job_id = _parse_train_job_id(d.pop("train_job_id", UNSET))


        def _parse_dataset_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))


        _params = d.pop("params", UNSET)
        params: DynamicsParams | Unset
        if isinstance(_params,  Unset):
            params = UNSET
        else:
            params = DynamicsParams.from_dict(_params)




        dynamics_job_create = cls(
            kind=kind,
            time_limit_s=time_limit_s,
            train_job_id=train_job_id,
            dataset_id=dataset_id,
            params=params,
        )

        return dynamics_job_create

