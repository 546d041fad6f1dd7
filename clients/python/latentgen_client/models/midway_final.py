from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.epoch_metrics import EpochMetrics





T = TypeVar("T", bound="MidwayFinal")



@_attrs_define
class MidwayFinal:
    """ Each arm's last epoch.

        Attributes:
            pre_edit (EpochMetrics | None):
            repaired (EpochMetrics | None):
            control (EpochMetrics | None):
     """

    pre_edit: EpochMetrics | None
    repaired: EpochMetrics | None
    control: EpochMetrics | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.epoch_metrics import EpochMetrics # noqa: PLC0415
        pre_edit: dict[str, Any] | None
        if isinstance(self.pre_edit, EpochMetrics):
            pre_edit = self.pre_edit.to_dict()
        else:
            pre_edit = self.pre_edit

        repaired: dict[str, Any] | None
        if isinstance(self.repaired, EpochMetrics):
            repaired = self.repaired.to_dict()
        else:
            repaired = self.repaired

        control: dict[str, Any] | None
        if isinstance(self.control, EpochMetrics):
            control = self.control.to_dict()
        else:
            control = self.control


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "pre_edit": pre_edit,
            "repaired": repaired,
            "control": control,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.epoch_metrics import EpochMetrics # noqa: PLC0415
        d = dict(src_dict)
        def _parse_pre_edit(data: object) -> EpochMetrics | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pre_edit_type_0 = EpochMetrics.from_dict(data)



                return pre_edit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EpochMetrics | None, data)

        pre_edit = _parse_pre_edit(d.pop("pre_edit"))


        def _parse_repaired(data: object) -> EpochMetrics | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                repaired_type_0 = EpochMetrics.from_dict(data)



                return repaired_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EpochMetrics | None, data)

        repaired = _parse_repaired(d.pop("repaired"))


        def _parse_control(data: object) -> EpochMetrics | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                control_type_0 = EpochMetrics.from_dict(data)



                return control_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EpochMetrics | None, data)

        control = _parse_control(d.pop("control"))


        midway_final = cls(
            pre_edit=pre_edit,
            repaired=repaired,
            control=control,
        )


        midway_final.additional_properties = d
        return midway_final

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
