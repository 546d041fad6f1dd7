from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CorruptionSpec")



@_attrs_define
class CorruptionSpec:
    """ Shuffle each training label with probability `p` to a uniformly drawn class (seeded).

        Attributes:
            p (float):
            seed (int | Unset):  Default: 0.
     """

    p: float
    seed: int | Unset = 0





    def to_dict(self) -> dict[str, Any]:
        p = self.p

        seed = self.seed


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "p": p,
        })
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        p = d.pop("p")

        seed = d.pop("seed", UNSET)

        corruption_spec = cls(
            p=p,
            seed=seed,
        )

        return corruption_spec

