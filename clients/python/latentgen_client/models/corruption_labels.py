from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import Literal, cast






T = TypeVar("T", bound="CorruptionLabels")



@_attrs_define
class CorruptionLabels:
    """ 
        Attributes:
            kind (Literal['corruption']):
            p (float):
            seed (int):
     """

    kind: Literal['corruption']
    p: float
    seed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        p = self.p

        seed = self.seed


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "p": p,
            "seed": seed,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = cast(Literal['corruption'] , d.pop("kind"))
        if kind != 'corruption':
            raise ValueError(f"kind must match const 'corruption', got '{kind}'")

        p = d.pop("p")

        seed = d.pop("seed")

        corruption_labels = cls(
            kind=kind,
            p=p,
            seed=seed,
        )


        corruption_labels.additional_properties = d
        return corruption_labels

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
