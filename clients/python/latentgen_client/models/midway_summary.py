from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.data_summary import DataSummary
  from ..models.midway_final import MidwayFinal
  from ..models.repair_report import RepairReport
  from ..models.trained_arch import TrainedArch





T = TypeVar("T", bound="MidwaySummary")



@_attrs_define
class MidwaySummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            arch (TrainedArch):
            recipe (str):
            edit_epoch (int):
            total_epochs (int):
            repair (None | RepairReport):
            final (MidwayFinal): Each arm's last epoch.
     """

    data: DataSummary
    arch: TrainedArch
    recipe: str
    edit_epoch: int
    total_epochs: int
    repair: None | RepairReport
    final: MidwayFinal
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.midway_final import MidwayFinal # noqa: PLC0415
        from ..models.repair_report import RepairReport # noqa: PLC0415
        from ..models.trained_arch import TrainedArch # noqa: PLC0415
        data = self.data.to_dict()

        arch = self.arch.to_dict()

        recipe = self.recipe

        edit_epoch = self.edit_epoch

        total_epochs = self.total_epochs

        repair: dict[str, Any] | None
        if isinstance(self.repair, RepairReport):
            repair = self.repair.to_dict()
        else:
            repair = self.repair

        final = self.final.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "arch": arch,
            "recipe": recipe,
            "edit_epoch": edit_epoch,
            "total_epochs": total_epochs,
            "repair": repair,
            "final": final,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.midway_final import MidwayFinal # noqa: PLC0415
        from ..models.repair_report import RepairReport # noqa: PLC0415
        from ..models.trained_arch import TrainedArch # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        arch = TrainedArch.from_dict(d.pop("arch"))




        recipe = d.pop("recipe")

        edit_epoch = d.pop("edit_epoch")

        total_epochs = d.pop("total_epochs")

        def _parse_repair(data: object) -> None | RepairReport:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                repair_type_0 = RepairReport.from_dict(data)



                return repair_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RepairReport, data)

        repair = _parse_repair(d.pop("repair"))


        final = MidwayFinal.from_dict(d.pop("final"))




        midway_summary = cls(
            data=data,
            arch=arch,
            recipe=recipe,
            edit_epoch=edit_epoch,
            total_epochs=total_epochs,
            repair=repair,
            final=final,
        )


        midway_summary.additional_properties = d
        return midway_summary

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
