from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ModelAccuracy")



@_attrs_define
class ModelAccuracy:
    """ The model's own predictions against the noisy labels of the validation split and of the
    other training examples, and against the test labels.

        Attributes:
            val_acc (float | None):
            fit_acc (float | None):
            test_acc (float | None):
     """

    val_acc: float | None
    fit_acc: float | None
    test_acc: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        val_acc: float | None
        val_acc = self.val_acc

        fit_acc: float | None
        fit_acc = self.fit_acc

        test_acc: float | None
        test_acc = self.test_acc


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "val_acc": val_acc,
            "fit_acc": fit_acc,
            "test_acc": test_acc,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_val_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        val_acc = _parse_val_acc(d.pop("val_acc"))


        def _parse_fit_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        fit_acc = _parse_fit_acc(d.pop("fit_acc"))


        def _parse_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        test_acc = _parse_test_acc(d.pop("test_acc"))


        model_accuracy = cls(
            val_acc=val_acc,
            fit_acc=fit_acc,
            test_acc=test_acc,
        )


        model_accuracy.additional_properties = d
        return model_accuracy

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
