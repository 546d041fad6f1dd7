from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="Peak")



@_attrs_define
class Peak:
    """ Per (layer, probe): the epoch chosen on the validation split and its test accuracy.

        Attributes:
            layer (str):
            probe (str):
            peak_epoch (int): chosen on the validation split's noisy labels
            peak_value (float | None): test accuracy at peak_epoch
            val_acc (float | None): validation accuracy (noisy labels) at peak_epoch
            final_value (float | None): test accuracy at the last epoch
            oracle_epoch (int | None): the epoch the test set would have chosen
            oracle_value (float | None):
     """

    layer: str
    probe: str
    peak_epoch: int
    peak_value: float | None
    val_acc: float | None
    final_value: float | None
    oracle_epoch: int | None
    oracle_value: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        layer = self.layer

        probe = self.probe

        peak_epoch = self.peak_epoch

        peak_value: float | None
        peak_value = self.peak_value

        val_acc: float | None
        val_acc = self.val_acc

        final_value: float | None
        final_value = self.final_value

        oracle_epoch: int | None
        oracle_epoch = self.oracle_epoch

        oracle_value: float | None
        oracle_value = self.oracle_value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "layer": layer,
            "probe": probe,
            "peak_epoch": peak_epoch,
            "peak_value": peak_value,
            "val_acc": val_acc,
            "final_value": final_value,
            "oracle_epoch": oracle_epoch,
            "oracle_value": oracle_value,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        layer = d.pop("layer")

        probe = d.pop("probe")

        peak_epoch = d.pop("peak_epoch")

        def _parse_peak_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        peak_value = _parse_peak_value(d.pop("peak_value"))


        def _parse_val_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        val_acc = _parse_val_acc(d.pop("val_acc"))


        def _parse_final_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        final_value = _parse_final_value(d.pop("final_value"))


        def _parse_oracle_epoch(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        oracle_epoch = _parse_oracle_epoch(d.pop("oracle_epoch"))


        def _parse_oracle_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        oracle_value = _parse_oracle_value(d.pop("oracle_value"))


        peak = cls(
            layer=layer,
            probe=probe,
            peak_epoch=peak_epoch,
            peak_value=peak_value,
            val_acc=val_acc,
            final_value=final_value,
            oracle_epoch=oracle_epoch,
            oracle_value=oracle_value,
        )


        peak.additional_properties = d
        return peak

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
