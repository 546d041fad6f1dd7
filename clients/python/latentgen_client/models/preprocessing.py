from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="Preprocessing")



@_attrs_define
class Preprocessing:
    """ The preprocessing every job on the data set applies, as stated at upload or by default.

        Attributes:
            mean (list[float]):
            std (list[float]):
            stated (bool): given at upload (false: the default for the data's type)
            description (str): in words, as the summaries and reports say it
     """

    mean: list[float]
    std: list[float]
    stated: bool
    description: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        mean = self.mean



        std = self.std



        stated = self.stated

        description = self.description


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "mean": mean,
            "std": std,
            "stated": stated,
            "description": description,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mean = cast(list[float], d.pop("mean"))


        std = cast(list[float], d.pop("std"))


        stated = d.pop("stated")

        description = d.pop("description")

        preprocessing = cls(
            mean=mean,
            std=std,
            stated=stated,
            description=description,
        )


        preprocessing.additional_properties = d
        return preprocessing

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
