from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.class_map_preset import ClassMapPreset
from ..models.noise_kind import NoiseKind
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CorruptionSpec")



@_attrs_define
class CorruptionSpec:
    """ How the training labels are corrupted, seeded. `uniform` (the paper's, the default): each label is
    redrawn with probability `p` from all classes. `pairflip`: with probability `p` a label moves to its
    class's partner in `class_map` (a preset or [from, to] pairs; default `next`). `transition`: a label
    of class i becomes j with probability `matrix[i][j]` (K rows that sum to 1).

        Attributes:
            noise (NoiseKind | Unset):
            p (float | None | Unset): uniform and pairflip: how likely a label is corrupted
            class_map (ClassMapPreset | list[list[int]] | None | Unset): pairflip: the partners
            matrix (list[list[float]] | None | Unset): transition: P(given label j | true class i), at most 100 classes
                (more: upload train_labels)
            seed (int | Unset):  Default: 0.
     """

    noise: NoiseKind | Unset = UNSET
    p: float | None | Unset = UNSET
    class_map: ClassMapPreset | list[list[int]] | None | Unset = UNSET
    matrix: list[list[float]] | None | Unset = UNSET
    seed: int | Unset = 0





    def to_dict(self) -> dict[str, Any]:
        noise: str | Unset = UNSET
        if not isinstance(self.noise, Unset):
            noise = self.noise.value


        p: float | None | Unset
        if isinstance(self.p, Unset):
            p = UNSET
        else:
            p = self.p

        class_map: list[list[int]] | None | str | Unset
        if isinstance(self.class_map, Unset):
            class_map = UNSET
        elif isinstance(self.class_map, ClassMapPreset):
            class_map = self.class_map.value
        elif isinstance(self.class_map, list):
            class_map = []
            for class_map_type_0_type_1_item_data in self.class_map:
                class_map_type_0_type_1_item = class_map_type_0_type_1_item_data


                class_map.append(class_map_type_0_type_1_item)


        else:
            class_map = self.class_map

        matrix: list[list[float]] | None | Unset
        if isinstance(self.matrix, Unset):
            matrix = UNSET
        elif isinstance(self.matrix, list):
            matrix = []
            for matrix_type_0_item_data in self.matrix:
                matrix_type_0_item = matrix_type_0_item_data


                matrix.append(matrix_type_0_item)


        else:
            matrix = self.matrix

        seed = self.seed


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if noise is not UNSET:
            field_dict["noise"] = noise
        if p is not UNSET:
            field_dict["p"] = p
        if class_map is not UNSET:
            field_dict["class_map"] = class_map
        if matrix is not UNSET:
            field_dict["matrix"] = matrix
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _noise = d.pop("noise", UNSET)
        noise: NoiseKind | Unset
        if isinstance(_noise,  Unset):
            noise = UNSET
        else:
            noise = NoiseKind(_noise)




        def _parse_p(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        p = _parse_p(d.pop("p", UNSET))


        def _parse_class_map(data: object) -> ClassMapPreset | list[list[int]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                class_map_type_0_type_0 = ClassMapPreset(data)



                return class_map_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                class_map_type_0_type_1 = []
                _class_map_type_0_type_1 = data
                for class_map_type_0_type_1_item_data in (_class_map_type_0_type_1):
                    class_map_type_0_type_1_item = cast(list[int], class_map_type_0_type_1_item_data)

                    class_map_type_0_type_1.append(class_map_type_0_type_1_item)

                return class_map_type_0_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ClassMapPreset | list[list[int]] | None | Unset, data)

        class_map = _parse_class_map(d.pop("class_map", UNSET))


        def _parse_matrix(data: object) -> list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                matrix_type_0 = []
                _matrix_type_0 = data
                for matrix_type_0_item_data in (_matrix_type_0):
                    matrix_type_0_item = cast(list[float], matrix_type_0_item_data)

                    matrix_type_0.append(matrix_type_0_item)

                return matrix_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[float]] | None | Unset, data)

        matrix = _parse_matrix(d.pop("matrix", UNSET))


        seed = d.pop("seed", UNSET)

        corruption_spec = cls(
            noise=noise,
            p=p,
            class_map=class_map,
            matrix=matrix,
            seed=seed,
        )

        return corruption_spec

