from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="EpochRow")



@_attrs_define
class EpochRow:
    """ 
        Attributes:
            layer (str):
            probe (str):
            metric (str): test_acc, train_acc_noisy, train_acc_true, flipped_acc_true, flipped_acc_noisy, unflipped_acc,
                components (MASC)
            value (float | None):
            epoch (int):
     """

    layer: str
    probe: str
    metric: str
    value: float | None
    epoch: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        layer = self.layer

        probe = self.probe

        metric = self.metric

        value: float | None
        value = self.value

        epoch = self.epoch


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "layer": layer,
            "probe": probe,
            "metric": metric,
            "value": value,
            "epoch": epoch,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        layer = d.pop("layer")

        probe = d.pop("probe")

        metric = d.pop("metric")

        def _parse_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value = _parse_value(d.pop("value"))


        epoch = d.pop("epoch")

        epoch_row = cls(
            layer=layer,
            probe=probe,
            metric=metric,
            value=value,
            epoch=epoch,
        )


        epoch_row.additional_properties = d
        return epoch_row

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
