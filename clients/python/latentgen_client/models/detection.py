from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="Detection")



@_attrs_define
class Detection:
    """ Flags against the truly flipped examples (when the true labels are known).

        Attributes:
            precision (float | None):
            recall (float | None):
            f1 (float | None):
            auroc (float | None):
            n_flagged (int):
     """

    precision: float | None
    recall: float | None
    f1: float | None
    auroc: float | None
    n_flagged: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        precision: float | None
        precision = self.precision

        recall: float | None
        recall = self.recall

        f1: float | None
        f1 = self.f1

        auroc: float | None
        auroc = self.auroc

        n_flagged = self.n_flagged


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "auroc": auroc,
            "n_flagged": n_flagged,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_precision(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        precision = _parse_precision(d.pop("precision"))


        def _parse_recall(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        recall = _parse_recall(d.pop("recall"))


        def _parse_f1(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        f1 = _parse_f1(d.pop("f1"))


        def _parse_auroc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        auroc = _parse_auroc(d.pop("auroc"))


        n_flagged = d.pop("n_flagged")

        detection = cls(
            precision=precision,
            recall=recall,
            f1=f1,
            auroc=auroc,
            n_flagged=n_flagged,
        )


        detection.additional_properties = d
        return detection

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
