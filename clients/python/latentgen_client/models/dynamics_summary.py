from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.data_summary import DataSummary
  from ..models.peak import Peak
  from ..models.validation_info import ValidationInfo





T = TypeVar("T", bound="DynamicsSummary")



@_attrs_define
class DynamicsSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            peaks (list[Peak]):
            epochs (list[int]):
            train_job_id (None | str):
            validation (ValidationInfo):
            note (str):
     """

    data: DataSummary
    peaks: list[Peak]
    epochs: list[int]
    train_job_id: None | str
    validation: ValidationInfo
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.peak import Peak # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        data = self.data.to_dict()

        peaks = []
        for peaks_item_data in self.peaks:
            peaks_item = peaks_item_data.to_dict()
            peaks.append(peaks_item)



        epochs = self.epochs



        train_job_id: None | str
        train_job_id = self.train_job_id

        validation = self.validation.to_dict()

        note = self.note


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "peaks": peaks,
            "epochs": epochs,
            "train_job_id": train_job_id,
            "validation": validation,
            "note": note,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.peak import Peak # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        peaks = []
        _peaks = d.pop("peaks")
        for peaks_item_data in (_peaks):
            peaks_item = Peak.from_dict(peaks_item_data)



            peaks.append(peaks_item)


        epochs = cast(list[int], d.pop("epochs"))


        def _parse_train_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        train_job_id = _parse_train_job_id(d.pop("train_job_id"))


        validation = ValidationInfo.from_dict(d.pop("validation"))




        note = d.pop("note")

        dynamics_summary = cls(
            data=data,
            peaks=peaks,
            epochs=epochs,
            train_job_id=train_job_id,
            validation=validation,
            note=note,
        )


        dynamics_summary.additional_properties = d
        return dynamics_summary

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
