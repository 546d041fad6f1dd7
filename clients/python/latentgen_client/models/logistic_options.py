from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="LogisticOptions")



@_attrs_define
class LogisticOptions:
    """ 
        Attributes:
            c (float | None | Unset):
            max_iter (int | None | Unset):
     """

    c: float | None | Unset = UNSET
    max_iter: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        c: float | None | Unset
        if isinstance(self.c, Unset):
            c = UNSET
        else:
            c = self.c

        max_iter: int | None | Unset
        if isinstance(self.max_iter, Unset):
            max_iter = UNSET
        else:
            max_iter = self.max_iter


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if c is not UNSET:
            field_dict["C"] = c
        if max_iter is not UNSET:
            field_dict["max_iter"] = max_iter

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_c(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        c = _parse_c(d.pop("C", UNSET))


        def _parse_max_iter(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_iter = _parse_max_iter(d.pop("max_iter", UNSET))


        logistic_options = cls(
            c=c,
            max_iter=max_iter,
        )

        return logistic_options

