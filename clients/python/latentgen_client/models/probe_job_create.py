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
  from ..models.probe_params import ProbeParams





T = TypeVar("T", bound="ProbeJobCreate")



@_attrs_define
class ProbeJobCreate:
    """ 
        Attributes:
            kind (Literal['probe']):
            model_id (str):
            dataset_id (str):
            time_limit_s (float | None | Unset): a wall-clock limit in seconds for each run of the job (and of each of its
                parts), at most its kind's (LATENTGEN_JOB_TIME_LIMITS_S, which applies when unset); past it the job fails
                `time_limit`
            params (ProbeParams | Unset):
     """

    kind: Literal['probe']
    model_id: str
    dataset_id: str
    time_limit_s: float | None | Unset = UNSET
    params: ProbeParams | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.probe_params import ProbeParams # noqa: PLC0415
        kind = self.kind

        model_id = self.model_id

        dataset_id = self.dataset_id

        time_limit_s: float | None | Unset
        if isinstance(self.time_limit_s, Unset):
            time_limit_s = UNSET
        else:
            time_limit_s = self.time_limit_s

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "model_id": model_id,
            "dataset_id": dataset_id,
        })
        if time_limit_s is not UNSET:
            field_dict["time_limit_s"] = time_limit_s
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.probe_params import ProbeParams # noqa: PLC0415
        d = dict(src_dict)
        kind = cast(Literal['probe'] , d.pop("kind"))
        if kind != 'probe':
            raise ValueError(f"kind must match const 'probe', got '{kind}'")

        model_id = d.pop("model_id")

        dataset_id = d.pop("dataset_id")

        def _parse_time_limit_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        time_limit_s = _parse_time_limit_s(d.pop("time_limit_s", UNSET))


        _params = d.pop("params", UNSET)
        params: ProbeParams | Unset
        if isinstance(_params,  Unset):
            params = UNSET
        else:
            params = ProbeParams.from_dict(_params)




        probe_job_create = cls(
            kind=kind,
            model_id=model_id,
            dataset_id=dataset_id,
            time_limit_s=time_limit_s,
            params=params,
        )

        return probe_job_create

