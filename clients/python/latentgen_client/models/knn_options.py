from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="KnnOptions")



@_attrs_define
class KnnOptions:
    """ 
        Attributes:
            n_neighbors (int | None | Unset):
     """

    n_neighbors: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        n_neighbors: int | None | Unset
        if isinstance(self.n_neighbors, Unset):
            n_neighbors = UNSET
        else:
            n_neighbors = self.n_neighbors


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if n_neighbors is not UNSET:
            field_dict["n_neighbors"] = n_neighbors

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_n_neighbors(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_neighbors = _parse_n_neighbors(d.pop("n_neighbors", UNSET))


        knn_options = cls(
            n_neighbors=n_neighbors,
        )

        return knn_options

