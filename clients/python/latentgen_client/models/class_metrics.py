from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ClassMetrics")



@_attrs_define
class ClassMetrics:
    """ One model on the test set, per true class.

        Attributes:
            accuracy (list[float | None]): per true class: share of its examples predicted as it (null: no test example of
                the class)
            confusion (list[list[int]] | None): counts [true class][predicted class]; null above 100 classes
     """

    accuracy: list[float | None]
    confusion: list[list[int]] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        accuracy = []
        for accuracy_item_data in self.accuracy:
            accuracy_item: float | None
            accuracy_item = accuracy_item_data
            accuracy.append(accuracy_item)



        confusion: list[list[int]] | None
        if isinstance(self.confusion, list):
            confusion = []
            for confusion_type_0_item_data in self.confusion:
                confusion_type_0_item = confusion_type_0_item_data


                confusion.append(confusion_type_0_item)


        else:
            confusion = self.confusion


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "accuracy": accuracy,
            "confusion": confusion,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accuracy = []
        _accuracy = d.pop("accuracy")
        for accuracy_item_data in (_accuracy):
            def _parse_accuracy_item(data: object) -> float | None:
                if data is None:
                    return data
                return cast(float | None, data)

            accuracy_item = _parse_accuracy_item(accuracy_item_data)

            accuracy.append(accuracy_item)


        def _parse_confusion(data: object) -> list[list[int]] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                confusion_type_0 = []
                _confusion_type_0 = data
                for confusion_type_0_item_data in (_confusion_type_0):
                    confusion_type_0_item = cast(list[int], confusion_type_0_item_data)

                    confusion_type_0.append(confusion_type_0_item)

                return confusion_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[int]] | None, data)

        confusion = _parse_confusion(d.pop("confusion"))


        class_metrics = cls(
            accuracy=accuracy,
            confusion=confusion,
        )


        class_metrics.additional_properties = d
        return class_metrics

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
