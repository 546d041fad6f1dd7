from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.choice import Choice
  from ..models.data_summary import DataSummary
  from ..models.validation_info import ValidationInfo





T = TypeVar("T", bound="ProbeSummary")



@_attrs_define
class ProbeSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            model_test_acc (float | None):
            model_val_acc (float | None): the model's own accuracy on the validation split's noisy labels
            best (Choice | None): chosen on the validation split; its test accuracy reported
            oracle (Choice | None): what the test set would have chosen, for comparison
            validation (ValidationInfo):
            note (str):
     """

    data: DataSummary
    model_test_acc: float | None
    model_val_acc: float | None
    best: Choice | None
    oracle: Choice | None
    validation: ValidationInfo
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.choice import Choice # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        data = self.data.to_dict()

        model_test_acc: float | None
        model_test_acc = self.model_test_acc

        model_val_acc: float | None
        model_val_acc = self.model_val_acc

        best: dict[str, Any] | None
        if isinstance(self.best, Choice):
            best = self.best.to_dict()
        else:
            best = self.best

        oracle: dict[str, Any] | None
        if isinstance(self.oracle, Choice):
            oracle = self.oracle.to_dict()
        else:
            oracle = self.oracle

        validation = self.validation.to_dict()

        note = self.note


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "model_test_acc": model_test_acc,
            "model_val_acc": model_val_acc,
            "best": best,
            "oracle": oracle,
            "validation": validation,
            "note": note,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.choice import Choice # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        def _parse_model_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        model_test_acc = _parse_model_test_acc(d.pop("model_test_acc"))


        def _parse_model_val_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        model_val_acc = _parse_model_val_acc(d.pop("model_val_acc"))


        def _parse_best(data: object) -> Choice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                best_type_0 = Choice.from_dict(data)



                return best_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Choice | None, data)

        best = _parse_best(d.pop("best"))


        def _parse_oracle(data: object) -> Choice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                oracle_type_0 = Choice.from_dict(data)



                return oracle_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Choice | None, data)

        oracle = _parse_oracle(d.pop("oracle"))


        validation = ValidationInfo.from_dict(d.pop("validation"))




        note = d.pop("note")

        probe_summary = cls(
            data=data,
            model_test_acc=model_test_acc,
            model_val_acc=model_val_acc,
            best=best,
            oracle=oracle,
            validation=validation,
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
