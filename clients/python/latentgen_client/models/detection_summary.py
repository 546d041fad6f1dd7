from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.detection import Detection





T = TypeVar("T", bound="DetectionSummary")



@_attrs_define
class DetectionSummary:
    """ 
        Attributes:
            true_noise_rate (float):
            audit (Detection): Flags against the truly flipped examples (when the true labels are known).
            model (Detection): Flags against the truly flipped examples (when the true labels are known).
     """

    true_noise_rate: float
    audit: Detection
    model: Detection
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.detection import Detection # noqa: PLC0415
        true_noise_rate = self.true_noise_rate

        audit = self.audit.to_dict()

        model = self.model.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "true_noise_rate": true_noise_rate,
            "audit": audit,
            "model": model,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.detection import Detection # noqa: PLC0415
        d = dict(src_dict)
        true_noise_rate = d.pop("true_noise_rate")

        audit = Detection.from_dict(d.pop("audit"))




        model = Detection.from_dict(d.pop("model"))




        detection_summary = cls(
            true_noise_rate=true_noise_rate,
            audit=audit,
            model=model,
        )


        detection_summary.additional_properties = d
        return detection_summary

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
