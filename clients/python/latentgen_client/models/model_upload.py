from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast

if TYPE_CHECKING:
  from ..models.arch_spec import ArchSpec





T = TypeVar("T", bound="ModelUpload")



@_attrs_define
class ModelUpload:
    """ `POST /v1/models`, multipart/form-data: torch weights and their architecture (a JSON part),
    or an ONNX file alone (the graph is the architecture).

        Attributes:
            weights (File): safetensors, a torch state_dict (loaded with weights_only=True), or .onnx
            arch (ArchSpec | Unset): The architecture uploaded weights belong to.
            name (str | Unset):
     """

    weights: File
    arch: ArchSpec | Unset = UNSET
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.arch_spec import ArchSpec # noqa: PLC0415
        weights = self.weights.to_tuple()


        arch: dict[str, Any] | Unset = UNSET
        if not isinstance(self.arch, Unset):
            arch = self.arch.to_dict()

        name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "weights": weights,
        })
        if arch is not UNSET:
            field_dict["arch"] = arch
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        from ..models.arch_spec import ArchSpec # noqa: PLC0415
        files: types.RequestFiles = []

        files.append(("weights", self.weights.to_tuple()))



        if not isinstance(self.arch, Unset):
            files.append(("arch", (None, json.dumps( self.arch.to_dict()).encode(), "application/json")))



        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.arch_spec import ArchSpec # noqa: PLC0415
        d = dict(src_dict)
        weights = File(
             payload = BytesIO(d.pop("weights"))
        )




        _arch = d.pop("arch", UNSET)
        arch: ArchSpec | Unset
        if isinstance(_arch,  Unset):
            arch = UNSET
        else:
            arch = ArchSpec.from_dict(_arch)




        name = d.pop("name", UNSET)

        model_upload = cls(
            weights=weights,
            arch=arch,
            name=name,
        )


        model_upload.additional_properties = d
        return model_upload

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
