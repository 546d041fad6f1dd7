from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="TrainedArch")



@_attrs_define
class TrainedArch:
    """ 
        Attributes:
            name (str):
            input_shape (list[int]):
            num_classes (int):
     """

    name: str
    input_shape: list[int]
    num_classes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        input_shape = self.input_shape



        num_classes = self.num_classes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "input_shape": input_shape,
            "num_classes": num_classes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        input_shape = cast(list[int], d.pop("input_shape"))


        num_classes = d.pop("num_classes")

        trained_arch = cls(
            name=name,
            input_shape=input_shape,
            num_classes=num_classes,
        )


        trained_arch.additional_properties = d
        return trained_arch

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
