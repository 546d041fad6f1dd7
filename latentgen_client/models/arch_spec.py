from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ArchSpec")



@_attrs_define
class ArchSpec:
    """ The architecture uploaded weights belong to.

        Attributes:
            name (str): "mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"
            input_shape (list[int]):
            num_classes (int):
     """

    name: str
    input_shape: list[int]
    num_classes: int





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        input_shape = self.input_shape



        num_classes = self.num_classes


        field_dict: dict[str, Any] = {}

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

        arch_spec = cls(
            name=name,
            input_shape=input_shape,
            num_classes=num_classes,
        )

        return arch_spec

