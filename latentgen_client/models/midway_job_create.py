from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

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
     """

    kind: Literal['midway']
    dataset_id: str
    params: MidwayParams





    def to_dict(self) -> dict[str, Any]:
        from ..models.midway_params import MidwayParams # noqa: PLC0415
        kind = self.kind

        dataset_id = self.dataset_id

        params = self.params.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "dataset_id": dataset_id,
            "params": params,
        })

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




        midway_job_create = cls(
            kind=kind,
            dataset_id=dataset_id,
            params=params,
        )

        return midway_job_create

