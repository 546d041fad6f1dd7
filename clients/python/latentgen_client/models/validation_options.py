from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ValidationOptions")



@_attrs_define
class ValidationOptions:
    """ The examples choices are made on; they must be examples the model was not trained on. Give
    `dataset_id` (a data set of held-out examples: its training inputs and labels, noisy or clean),
    or `indices` (training examples kept out of the model's training), or a split carved from the
    training examples ({fraction, seed}: sound only when the model's training held it out).

        Attributes:
            fraction (float | Unset):  Default: 0.1.
            seed (int | Unset):  Default: 0.
            dataset_id (None | str | Unset): a data set of examples the model never saw, with their labels
            indices (list[int] | None | Unset): training examples held out of the model's training
     """

    fraction: float | Unset = 0.1
    seed: int | Unset = 0
    dataset_id: None | str | Unset = UNSET
    indices: list[int] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        fraction = self.fraction

        seed = self.seed

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        else:
            dataset_id = self.dataset_id

        indices: list[int] | None | Unset
        if isinstance(self.indices, Unset):
            indices = UNSET
        elif isinstance(self.indices, list):
            indices = self.indices


        else:
            indices = self.indices


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if fraction is not UNSET:
            field_dict["fraction"] = fraction
        if seed is not UNSET:
            field_dict["seed"] = seed
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if indices is not UNSET:
            field_dict["indices"] = indices

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fraction = d.pop("fraction", UNSET)

        seed = d.pop("seed", UNSET)

        def _parse_dataset_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))


        def _parse_indices(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                indices_type_0 = cast(list[int], data)

                return indices_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        indices = _parse_indices(d.pop("indices", UNSET))


        validation_options = cls(
            fraction=fraction,
            seed=seed,
            dataset_id=dataset_id,
            indices=indices,
        )

        return validation_options

