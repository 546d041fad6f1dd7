from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.midway_arm import MidwayArm
from typing import cast






T = TypeVar("T", bound="MidwayRow")



@_attrs_define
class MidwayRow:
    """ 
        Attributes:
            epoch (int):
            loss (float | None):
            test_acc (float | None):
            train_acc_noisy (float | None):
            train_acc_true (float | None):
            flipped_acc_true (float | None):
            flipped_acc_noisy (float | None):
            unflipped_acc (float | None):
            arm (MidwayArm):
     """

    epoch: int
    loss: float | None
    test_acc: float | None
    train_acc_noisy: float | None
    train_acc_true: float | None
    flipped_acc_true: float | None
    flipped_acc_noisy: float | None
    unflipped_acc: float | None
    arm: MidwayArm
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        epoch = self.epoch

        loss: float | None
        loss = self.loss

        test_acc: float | None
        test_acc = self.test_acc

        train_acc_noisy: float | None
        train_acc_noisy = self.train_acc_noisy

        train_acc_true: float | None
        train_acc_true = self.train_acc_true

        flipped_acc_true: float | None
        flipped_acc_true = self.flipped_acc_true

        flipped_acc_noisy: float | None
        flipped_acc_noisy = self.flipped_acc_noisy

        unflipped_acc: float | None
        unflipped_acc = self.unflipped_acc

        arm = self.arm.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "epoch": epoch,
            "loss": loss,
            "test_acc": test_acc,
            "train_acc_noisy": train_acc_noisy,
            "train_acc_true": train_acc_true,
            "flipped_acc_true": flipped_acc_true,
            "flipped_acc_noisy": flipped_acc_noisy,
            "unflipped_acc": unflipped_acc,
            "arm": arm,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        epoch = d.pop("epoch")

        def _parse_loss(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        loss = _parse_loss(d.pop("loss"))


        def _parse_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        test_acc = _parse_test_acc(d.pop("test_acc"))


        def _parse_train_acc_noisy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        train_acc_noisy = _parse_train_acc_noisy(d.pop("train_acc_noisy"))


        def _parse_train_acc_true(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        train_acc_true = _parse_train_acc_true(d.pop("train_acc_true"))


        def _parse_flipped_acc_true(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        flipped_acc_true = _parse_flipped_acc_true(d.pop("flipped_acc_true"))


        def _parse_flipped_acc_noisy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        flipped_acc_noisy = _parse_flipped_acc_noisy(d.pop("flipped_acc_noisy"))


        def _parse_unflipped_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        unflipped_acc = _parse_unflipped_acc(d.pop("unflipped_acc"))


        arm = MidwayArm(d.pop("arm"))




        midway_row = cls(
            epoch=epoch,
            loss=loss,
            test_acc=test_acc,
            train_acc_noisy=train_acc_noisy,
            train_acc_true=train_acc_true,
            flipped_acc_true=flipped_acc_true,
            flipped_acc_noisy=flipped_acc_noisy,
            unflipped_acc=unflipped_acc,
            arm=arm,
        )


        midway_row.additional_properties = d
        return midway_row

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
