from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.bias_mode import BiasMode
from typing import cast






T = TypeVar("T", bound="RepairReport")



@_attrs_define
class RepairReport:
    """ 
        Attributes:
            layer (str): the edited final linear layer
            in_features (int):
            out_features (int):
            delta_norm (float): Frobenius norm of the weight change
            bias (BiasMode): What the repaired final layer keeps as its bias.
            signs (list[int]): sign applied to each class's top eigenvector (0: class without examples)
     """

    layer: str
    in_features: int
    out_features: int
    delta_norm: float
    bias: BiasMode
    signs: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        layer = self.layer

        in_features = self.in_features

        out_features = self.out_features

        delta_norm = self.delta_norm

        bias = self.bias.value

        signs = self.signs




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "layer": layer,
            "in_features": in_features,
            "out_features": out_features,
            "delta_norm": delta_norm,
            "bias": bias,
            "signs": signs,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        layer = d.pop("layer")

        in_features = d.pop("in_features")

        out_features = d.pop("out_features")

        delta_norm = d.pop("delta_norm")

        bias = BiasMode(d.pop("bias"))




        signs = cast(list[int], d.pop("signs"))


        repair_report = cls(
            layer=layer,
            in_features=in_features,
            out_features=out_features,
            delta_norm=delta_norm,
            bias=bias,
            signs=signs,
        )


        repair_report.additional_properties = d
        return repair_report

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
