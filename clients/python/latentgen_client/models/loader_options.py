from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="LoaderOptions")



@_attrs_define
class LoaderOptions:
    """ Options of the named sources' loaders.

        Attributes:
            image_size (int | None | Unset): imagefolder: resize images to a square
            test_size (int | None | Unset): digits: held-out test examples
            seed (int | None | Unset): digits: seed of the train/test split
     """

    image_size: int | None | Unset = UNSET
    test_size: int | None | Unset = UNSET
    seed: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        image_size: int | None | Unset
        if isinstance(self.image_size, Unset):
            image_size = UNSET
        else:
            image_size = self.image_size

        test_size: int | None | Unset
        if isinstance(self.test_size, Unset):
            test_size = UNSET
        else:
            test_size = self.test_size

        seed: int | None | Unset
        if isinstance(self.seed, Unset):
            seed = UNSET
        else:
            seed = self.seed


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if test_size is not UNSET:
            field_dict["test_size"] = test_size
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_image_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        image_size = _parse_image_size(d.pop("image_size", UNSET))


        def _parse_test_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        test_size = _parse_test_size(d.pop("test_size", UNSET))


        def _parse_seed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seed = _parse_seed(d.pop("seed", UNSET))


        loader_options = cls(
            image_size=image_size,
            test_size=test_size,
            seed=seed,
        )

        return loader_options

