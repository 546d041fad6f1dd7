from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.noise_structure_measured_on import NoiseStructureMeasuredOn





T = TypeVar("T", bound="NoiseStructure")



@_attrs_define
class NoiseStructure:
    """ Whether the audit's noise looks class-dependent, and what that changed.

        Attributes:
            concentration (float | None): of the changes the linear probe suggests, the share that goes to each class's most
                frequent other label (≈ 1/(K − 1) for uniform noise)
            structured (bool): concentration above the threshold: the linear probe alone competed
            threshold (float):
            measured_on (NoiseStructureMeasuredOn): the candidate whose suggestions were counted
            rule (None | str): why the choice was restricted, when it was
     """

    concentration: float | None
    structured: bool
    threshold: float
    measured_on: NoiseStructureMeasuredOn
    rule: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.noise_structure_measured_on import NoiseStructureMeasuredOn # noqa: PLC0415
        concentration: float | None
        concentration = self.concentration

        structured = self.structured

        threshold = self.threshold

        measured_on = self.measured_on.to_dict()

        rule: None | str
        rule = self.rule


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "concentration": concentration,
            "structured": structured,
            "threshold": threshold,
            "measured_on": measured_on,
            "rule": rule,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.noise_structure_measured_on import NoiseStructureMeasuredOn # noqa: PLC0415
        d = dict(src_dict)
        def _parse_concentration(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        concentration = _parse_concentration(d.pop("concentration"))


        structured = d.pop("structured")

        threshold = d.pop("threshold")

        measured_on = NoiseStructureMeasuredOn.from_dict(d.pop("measured_on"))




        def _parse_rule(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule = _parse_rule(d.pop("rule"))


        noise_structure = cls(
            concentration=concentration,
            structured=structured,
            threshold=threshold,
            measured_on=measured_on,
            rule=rule,
        )


        noise_structure.additional_properties = d
        return noise_structure

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
