from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SplitOptions")



@_attrs_define
class SplitOptions:
    """ A seeded random `fraction` of the training examples, with their noisy labels (never the test set).

        Attributes:
            fraction (float | Unset):  Default: 0.1.
            seed (int | Unset):  Default: 0.
     """

    fraction: float | Unset = 0.1
    seed: int | Unset = 0





    def to_dict(self) -> dict[str, Any]:
        fraction = self.fraction

        seed = self.seed


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if fraction is not UNSET:
            field_dict["fraction"] = fraction
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fraction = d.pop("fraction", UNSET)

        seed = d.pop("seed", UNSET)

        split_options = cls(
            fraction=fraction,
            seed=seed,
        )

        return split_options

