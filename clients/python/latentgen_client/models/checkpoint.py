from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="Checkpoint")



@_attrs_define
class Checkpoint:
    """ 
        Attributes:
            model_id (str):
            epoch (int):
     """

    model_id: str
    epoch: int





    def to_dict(self) -> dict[str, Any]:
        model_id = self.model_id

        epoch = self.epoch


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model_id": model_id,
            "epoch": epoch,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model_id = d.pop("model_id")

        epoch = d.pop("epoch")

        checkpoint = cls(
            model_id=model_id,
            epoch=epoch,
        )

        return checkpoint

