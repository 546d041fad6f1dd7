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
    """ 
        Attributes:
            layer (str):
            probe (str):
            peak_epoch (int):
            peak_value (float | None):
            final_value (float | None):
     """

    layer: str
    probe: str
    peak_epoch: int
    peak_value: float | None
    final_value: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        layer = self.layer

        probe = self.probe

        peak_epoch = self.peak_epoch

        peak_value: float | None
        peak_value = self.peak_value

        final_value: float | None
        final_value = self.final_value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "layer": layer,
            "probe": probe,
            "peak_epoch": peak_epoch,
            "peak_value": peak_value,
            "final_value": final_value,
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


        def _parse_final_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        final_value = _parse_final_value(d.pop("final_value"))


        peak = cls(
            layer=layer,
            probe=probe,
            peak_epoch=peak_epoch,
            peak_value=peak_value,
            final_value=final_value,
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
