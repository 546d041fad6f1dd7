from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.model_out_format import ModelOutFormat
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.model_arch import ModelArch





T = TypeVar("T", bound="ModelOut")



@_attrs_define
class ModelOut:
    """ 
        Attributes:
            id (str):
            name (None | str):
            arch (ModelArch): A model's architecture: a builder's name, or "onnx" when the graph is the architecture; a
                grafted network adds its `cut`, `head` and (masc) `components`.
            sha256 (str):
            size_bytes (int):
            format_ (ModelOutFormat):
            num_parameters (int):
            final_layer (None | str): the final linear layer that repair rewrites; null: the model can be probed but not
                repaired (no final linear layer found)
            source_job_id (None | str):
            created_at (datetime.datetime):
            final_layer_problem (None | str | Unset): why no final linear layer was found (null when there is one)
            unwrapped (list[str] | Unset): how the weights were taken out of what was uploaded: a checkpoint's entry
                (`state_dict`, `model`…), a wrapper's key prefix (`module.`, `model.`); empty when the file was a plain state
                dict
     """

    id: str
    name: None | str
    arch: ModelArch
    sha256: str
    size_bytes: int
    format_: ModelOutFormat
    num_parameters: int
    final_layer: None | str
    source_job_id: None | str
    created_at: datetime.datetime
    final_layer_problem: None | str | Unset = UNSET
    unwrapped: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.model_arch import ModelArch # noqa: PLC0415
        id = self.id

        name: None | str
        name = self.name

        arch = self.arch.to_dict()

        sha256 = self.sha256

        size_bytes = self.size_bytes

        format_ = self.format_.value

        num_parameters = self.num_parameters

        final_layer: None | str
        final_layer = self.final_layer

        source_job_id: None | str
        source_job_id = self.source_job_id

        created_at = self.created_at.isoformat()

        final_layer_problem: None | str | Unset
        if isinstance(self.final_layer_problem, Unset):
            final_layer_problem = UNSET
        else:
            final_layer_problem = self.final_layer_problem

        unwrapped: list[str] | Unset = UNSET
        if not isinstance(self.unwrapped, Unset):
            unwrapped = self.unwrapped




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "arch": arch,
            "sha256": sha256,
            "size_bytes": size_bytes,
            "format": format_,
            "num_parameters": num_parameters,
            "final_layer": final_layer,
            "source_job_id": source_job_id,
            "created_at": created_at,
        })
        if final_layer_problem is not UNSET:
            field_dict["final_layer_problem"] = final_layer_problem
        if unwrapped is not UNSET:
            field_dict["unwrapped"] = unwrapped

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_arch import ModelArch # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))


        arch = ModelArch.from_dict(d.pop("arch"))




        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        format_ = ModelOutFormat(d.pop("format"))




        num_parameters = d.pop("num_parameters")

        def _parse_final_layer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        final_layer = _parse_final_layer(d.pop("final_layer"))


        def _parse_source_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source_job_id = _parse_source_job_id(d.pop("source_job_id"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_final_layer_problem(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        final_layer_problem = _parse_final_layer_problem(d.pop("final_layer_problem", UNSET))


        unwrapped = cast(list[str], d.pop("unwrapped", UNSET))


        model_out = cls(
            id=id,
            name=name,
            arch=arch,
            sha256=sha256,
            size_bytes=size_bytes,
            format_=format_,
            num_parameters=num_parameters,
            final_layer=final_layer,
            source_job_id=source_job_id,
            created_at=created_at,
            final_layer_problem=final_layer_problem,
            unwrapped=unwrapped,
        )


        model_out.additional_properties = d
        return model_out

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
