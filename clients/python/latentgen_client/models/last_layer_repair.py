from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="LastLayerRepair")



@_attrs_define
class LastLayerRepair:
    """ 
        Attributes:
            layer (str):
            head (str):
            val_acc (float | None):
            test_acc (float | None):
     """

    layer: str
    head: str
    val_acc: float | None
    test_acc: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        layer = self.layer

        head = self.head

        val_acc: float | None
        val_acc = self.val_acc

        test_acc: float | None
        test_acc = self.test_acc


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "layer": layer,
            "head": head,
            "val_acc": val_acc,
            "test_acc": test_acc,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        layer = d.pop("layer")

        head = d.pop("head")

        def _parse_val_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        val_acc = _parse_val_acc(d.pop("val_acc"))


        def _parse_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        test_acc = _parse_test_acc(d.pop("test_acc"))


        last_layer_repair = cls(
            layer=layer,
            head=head,
            val_acc=val_acc,
            test_acc=test_acc,
        )


        last_layer_repair.additional_properties = d
        return last_layer_repair

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
