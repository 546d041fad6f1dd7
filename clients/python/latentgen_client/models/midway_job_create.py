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
  from ..models.midway_params import MidwayParams





T = TypeVar("T", bound="MidwayJobCreate")



@_attrs_define
class MidwayJobCreate:
    """ 
        Attributes:
            kind (Literal['midway']):
            dataset_id (str):
            params (MidwayParams):
            time_limit_s (float | None | Unset): a wall-clock limit in seconds for each run of the job (and of each of its
                parts), at most its kind's (LATENTGEN_JOB_TIME_LIMITS_S, which applies when unset); past it the job fails
                `time_limit`
     """

    kind: Literal['midway']
    dataset_id: str
    params: MidwayParams
    time_limit_s: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.midway_params import MidwayParams # noqa: PLC0415
        kind = self.kind

        dataset_id = self.dataset_id

        params = self.params.to_dict()

        time_limit_s: float | None | Unset
        if isinstance(self.time_limit_s, Unset):
            time_limit_s = UNSET
        else:
            time_limit_s = self.time_limit_s


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "dataset_id": dataset_id,
            "params": params,
        })
        if time_limit_s is not UNSET:
            field_dict["time_limit_s"] = time_limit_s

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.midway_params import MidwayParams # noqa: PLC0415
        d = dict(src_dict)
        kind = cast(Literal['midway'] , d.pop("kind"))
        if kind != 'midway':
            raise ValueError(f"kind must match const 'midway', got '{kind}'")

        dataset_id = d.pop("dataset_id")

        params = MidwayParams.from_dict(d.pop("params"))




        def _parse_time_limit_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        time_limit_s = _parse_time_limit_s(d.pop("time_limit_s", UNSET))


        midway_job_create = cls(
            kind=kind,
            dataset_id=dataset_id,
            params=params,
            time_limit_s=time_limit_s,
        )

        return midway_job_create

