from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ValidationInfo")



@_attrs_define
class ValidationInfo:
    """ 
        Attributes:
            n_val (int):
            fraction (float | None):
            seed (int | None):
            labels (str):
            warning (None | str | Unset): set when the model seems to have been trained on the validation examples (choices
                then favour memorization)
     """

    n_val: int
    fraction: float | None
    seed: int | None
    labels: str
    warning: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        n_val = self.n_val

        fraction: float | None
        fraction = self.fraction

        seed: int | None
        seed = self.seed

        labels = self.labels

        warning: None | str | Unset
        if isinstance(self.warning, Unset):
            warning = UNSET
        else:
            warning = self.warning


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "n_val": n_val,
            "fraction": fraction,
            "seed": seed,
            "labels": labels,
        })
        if warning is not UNSET:
            field_dict["warning"] = warning

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        n_val = d.pop("n_val")

        def _parse_fraction(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        fraction = _parse_fraction(d.pop("fraction"))


        def _parse_seed(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seed = _parse_seed(d.pop("seed"))


        labels = d.pop("labels")

        def _parse_warning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        warning = _parse_warning(d.pop("warning", UNSET))


        validation_info = cls(
            n_val=n_val,
            fraction=fraction,
            seed=seed,
            labels=labels,
            warning=warning,
        )


        validation_info.additional_properties = d
        return validation_info

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
