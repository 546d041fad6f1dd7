from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.float_dtype import FloatDtype
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="LinearOptions")



@_attrs_define
class LinearOptions:
    """ 
        Attributes:
            dtype (FloatDtype | None | Unset):
     """

    dtype: FloatDtype | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        dtype: None | str | Unset
        if isinstance(self.dtype, Unset):
            dtype = UNSET
        elif isinstance(self.dtype, FloatDtype):
            dtype = self.dtype.value
        else:
            dtype = self.dtype


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if dtype is not UNSET:
            field_dict["dtype"] = dtype

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_dtype(data: object) -> FloatDtype | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dtype_type_0 = FloatDtype(data)



                return dtype_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FloatDtype | None | Unset, data)

        dtype = _parse_dtype(d.pop("dtype", UNSET))


        linear_options = cls(
            dtype=dtype,
        )

        return linear_options

