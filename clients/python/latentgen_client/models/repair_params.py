from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.bias_mode import BiasMode
from ..types import UNSET, Unset






T = TypeVar("T", bound="RepairParams")



@_attrs_define
class RepairParams:
    """ 
        Attributes:
            bias (BiasMode | Unset): What the repaired final layer keeps as its bias.
            batch_size (int | Unset):  Default: 256.
     """

    bias: BiasMode | Unset = UNSET
    batch_size: int | Unset = 256





    def to_dict(self) -> dict[str, Any]:
        bias: str | Unset = UNSET
        if not isinstance(self.bias, Unset):
            bias = self.bias.value


        batch_size = self.batch_size


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if bias is not UNSET:
            field_dict["bias"] = bias
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _bias = d.pop("bias", UNSET)
        bias: BiasMode | Unset
        if isinstance(_bias,  Unset):
            bias = UNSET
        else:
            bias = BiasMode(_bias)




        batch_size = d.pop("batch_size", UNSET)

        repair_params = cls(
            bias=bias,
            batch_size=batch_size,
        )

        return repair_params

