from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.float_dtype import FloatDtype
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MascOptions")



@_attrs_define
class MascOptions:
    """ 
        Attributes:
            variance (float | None | Unset): explained variance kept per class (default 0.99)
            components (int | None | Unset): a fixed number of components instead
            dtype (FloatDtype | None | Unset):
     """

    variance: float | None | Unset = UNSET
    components: int | None | Unset = UNSET
    dtype: FloatDtype | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        variance: float | None | Unset
        if isinstance(self.variance, Unset):
            variance = UNSET
        else:
            variance = self.variance

        components: int | None | Unset
        if isinstance(self.components, Unset):
            components = UNSET
        else:
            components = self.components

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
        if variance is not UNSET:
            field_dict["variance"] = variance
        if components is not UNSET:
            field_dict["components"] = components
        if dtype is not UNSET:
            field_dict["dtype"] = dtype

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_variance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        variance = _parse_variance(d.pop("variance", UNSET))


        def _parse_components(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        components = _parse_components(d.pop("components", UNSET))


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


        masc_options = cls(
            variance=variance,
            components=components,
            dtype=dtype,
        )

        return masc_options

