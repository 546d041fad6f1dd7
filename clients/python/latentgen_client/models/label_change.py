from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="LabelChange")



@_attrs_define
class LabelChange:
    """ 
        Attributes:
            true_ (int): true class
            given (int): the label given instead
            count (int):
            share_of_class (float): of the true class's training examples
     """

    true_: int
    given: int
    count: int
    share_of_class: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        true_ = self.true_

        given = self.given

        count = self.count

        share_of_class = self.share_of_class


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "true": true_,
            "given": given,
            "count": count,
            "share_of_class": share_of_class,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        true_ = d.pop("true")

        given = d.pop("given")

        count = d.pop("count")

        share_of_class = d.pop("share_of_class")

        label_change = cls(
            true_=true_,
            given=given,
            count=count,
            share_of_class=share_of_class,
        )


        label_change.additional_properties = d
        return label_change

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
