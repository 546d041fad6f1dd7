from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.data_summary import DataSummary
  from ..models.repair_report import RepairReport
  from ..models.repair_summary_test_per_class_type_0 import RepairSummaryTestPerClassType0





T = TypeVar("T", bound="RepairSummary")



@_attrs_define
class RepairSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            model_test_acc (float | None):
            repaired_test_acc (float | None):
            gain (float | None): repaired_test_acc - model_test_acc
            repair (RepairReport):
            source_model_id (str):
            output_model_id (str):
            test_per_class (None | RepairSummaryTestPerClassType0 | Unset): the model's and the repaired model's (absent for
                jobs run before it existed)
     """

    data: DataSummary
    model_test_acc: float | None
    repaired_test_acc: float | None
    gain: float | None
    repair: RepairReport
    source_model_id: str
    output_model_id: str
    test_per_class: None | RepairSummaryTestPerClassType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.repair_report import RepairReport # noqa: PLC0415
        from ..models.repair_summary_test_per_class_type_0 import RepairSummaryTestPerClassType0 # noqa: PLC0415
        data = self.data.to_dict()

        model_test_acc: float | None
        model_test_acc = self.model_test_acc

        repaired_test_acc: float | None
        repaired_test_acc = self.repaired_test_acc

        gain: float | None
        gain = self.gain

        repair = self.repair.to_dict()

        source_model_id = self.source_model_id

        output_model_id = self.output_model_id

        test_per_class: dict[str, Any] | None | Unset
        if isinstance(self.test_per_class, Unset):
            test_per_class = UNSET
        elif isinstance(self.test_per_class, RepairSummaryTestPerClassType0):
            test_per_class = self.test_per_class.to_dict()
        else:
            test_per_class = self.test_per_class


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "model_test_acc": model_test_acc,
            "repaired_test_acc": repaired_test_acc,
            "gain": gain,
            "repair": repair,
            "source_model_id": source_model_id,
            "output_model_id": output_model_id,
        })
        if test_per_class is not UNSET:
            field_dict["test_per_class"] = test_per_class

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.repair_report import RepairReport # noqa: PLC0415
        from ..models.repair_summary_test_per_class_type_0 import RepairSummaryTestPerClassType0 # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        def _parse_model_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        model_test_acc = _parse_model_test_acc(d.pop("model_test_acc"))


        def _parse_repaired_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        repaired_test_acc = _parse_repaired_test_acc(d.pop("repaired_test_acc"))


        def _parse_gain(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        gain = _parse_gain(d.pop("gain"))


        repair = RepairReport.from_dict(d.pop("repair"))




        source_model_id = d.pop("source_model_id")

        output_model_id = d.pop("output_model_id")

        def _parse_test_per_class(data: object) -> None | RepairSummaryTestPerClassType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                test_per_class_type_0 = RepairSummaryTestPerClassType0.from_dict(data)



                return test_per_class_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RepairSummaryTestPerClassType0 | Unset, data)

        test_per_class = _parse_test_per_class(d.pop("test_per_class", UNSET))


        repair_summary = cls(
            data=data,
            model_test_acc=model_test_acc,
            repaired_test_acc=repaired_test_acc,
            gain=gain,
            repair=repair,
            source_model_id=source_model_id,
            output_model_id=output_model_id,
            test_per_class=test_per_class,
        )


        repair_summary.additional_properties = d
        return repair_summary

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
