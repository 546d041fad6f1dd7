from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="PreprocessingSpec")



@_attrs_define
class PreprocessingSpec:
    """ How the stored inputs become the model's: uint8 values are divided by 255, then each channel is
    standardised, (x − mean) / std. Give one value for every channel or one per channel (the C of
    N×C×H×W images, the F of N×F features). `{"mean": [0], "std": [1]}` takes the values as they are.

        Attributes:
            mean (list[float]):
            std (list[float]):
     """

    mean: list[float]
    std: list[float]





    def to_dict(self) -> dict[str, Any]:
        mean = self.mean



        std = self.std




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "mean": mean,
            "std": std,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mean = cast(list[float], d.pop("mean"))


        std = cast(list[float], d.pop("std"))


        preprocessing_spec = cls(
            mean=mean,
            std=std,
        )

        return preprocessing_spec

