from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TrainArch")



@_attrs_define
class TrainArch:
    """ Architecture for a training job; shape and class count default to the data set's.

        Attributes:
            name (str):
            input_shape (list[int] | None | Unset):
            num_classes (int | None | Unset):
     """

    name: str
    input_shape: list[int] | None | Unset = UNSET
    num_classes: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        input_shape: list[int] | None | Unset
        if isinstance(self.input_shape, Unset):
            input_shape = UNSET
        elif isinstance(self.input_shape, list):
            input_shape = self.input_shape


        else:
            input_shape = self.input_shape

        num_classes: int | None | Unset
        if isinstance(self.num_classes, Unset):
            num_classes = UNSET
        else:
            num_classes = self.num_classes


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if input_shape is not UNSET:
            field_dict["input_shape"] = input_shape
        if num_classes is not UNSET:
            field_dict["num_classes"] = num_classes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_input_shape(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                input_shape_type_0 = cast(list[int], data)

                return input_shape_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        input_shape = _parse_input_shape(d.pop("input_shape", UNSET))


        def _parse_num_classes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        num_classes = _parse_num_classes(d.pop("num_classes", UNSET))


        train_arch = cls(
            name=name,
            input_shape=input_shape,
            num_classes=num_classes,
        )

        return train_arch

