from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.best_probe import BestProbe
  from ..models.data_summary import DataSummary





T = TypeVar("T", bound="ProbeSummary")



@_attrs_define
class ProbeSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            model_test_acc (float | None):
            best_test (BestProbe | None):
            note (str):
     """

    data: DataSummary
    model_test_acc: float | None
    best_test: BestProbe | None
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.best_probe import BestProbe # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        data = self.data.to_dict()

        model_test_acc: float | None
        model_test_acc = self.model_test_acc

        best_test: dict[str, Any] | None
        if isinstance(self.best_test, BestProbe):
            best_test = self.best_test.to_dict()
        else:
            best_test = self.best_test

        note = self.note


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "model_test_acc": model_test_acc,
            "best_test": best_test,
            "note": note,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.best_probe import BestProbe # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        def _parse_model_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        model_test_acc = _parse_model_test_acc(d.pop("model_test_acc"))


        def _parse_best_test(data: object) -> BestProbe | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                best_test_type_0 = BestProbe.from_dict(data)



                return best_test_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BestProbe | None, data)

        best_test = _parse_best_test(d.pop("best_test"))


        note = d.pop("note")

        probe_summary = cls(
            data=data,
            model_test_acc=model_test_acc,
            best_test=best_test,
            note=note,
        )


        probe_summary.additional_properties = d
        return probe_summary

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
