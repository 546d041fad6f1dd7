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
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.realised_noise import RealisedNoise





T = TypeVar("T", bound="CorruptionLabels")



@_attrs_define
class CorruptionLabels:
    """ 
        Attributes:
            kind (Literal['corruption']):
            seed (int):
            noise (NoiseKind | Unset):
            p (float | None | Unset):
            class_map (ClassMapPreset | list[list[int]] | None | Unset):
            matrix (list[list[float]] | None | Unset):
            description (None | str | Unset): the noise model in words
            expected_rate (float | None | Unset): labels changed when classes are equally frequent (when the number of
                classes is known at upload)
            realised (None | RealisedNoise | Unset): what the corruption drew (npz uploads, whose labels the service reads
                at upload; every job's summary has it too)
     """

    kind: Literal['corruption']
    seed: int
    noise: NoiseKind | Unset = UNSET
    p: float | None | Unset = UNSET
    class_map: ClassMapPreset | list[list[int]] | None | Unset = UNSET
    matrix: list[list[float]] | None | Unset = UNSET
    description: None | str | Unset = UNSET
    expected_rate: float | None | Unset = UNSET
    realised: None | RealisedNoise | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.realised_noise import RealisedNoise # noqa: PLC0415
        kind = self.kind

        seed = self.seed

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
            for class_map_type_1_item_data in self.class_map:
                class_map_type_1_item = class_map_type_1_item_data


                class_map.append(class_map_type_1_item)


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

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        expected_rate: float | None | Unset
        if isinstance(self.expected_rate, Unset):
            expected_rate = UNSET
        else:
            expected_rate = self.expected_rate

        realised: dict[str, Any] | None | Unset
        if isinstance(self.realised, Unset):
            realised = UNSET
        elif isinstance(self.realised, RealisedNoise):
            realised = self.realised.to_dict()
        else:
            realised = self.realised


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "seed": seed,
        })
        if noise is not UNSET:
            field_dict["noise"] = noise
        if p is not UNSET:
            field_dict["p"] = p
        if class_map is not UNSET:
            field_dict["class_map"] = class_map
        if matrix is not UNSET:
            field_dict["matrix"] = matrix
        if description is not UNSET:
            field_dict["description"] = description
        if expected_rate is not UNSET:
            field_dict["expected_rate"] = expected_rate
        if realised is not UNSET:
            field_dict["realised"] = realised

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.realised_noise import RealisedNoise # noqa: PLC0415
        d = dict(src_dict)
        kind = cast(Literal['corruption'] , d.pop("kind"))
        if kind != 'corruption':
            raise ValueError(f"kind must match const 'corruption', got '{kind}'")

        seed = d.pop("seed")

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
                class_map_type_0 = ClassMapPreset(data)



                return class_map_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                class_map_type_1 = []
                _class_map_type_1 = data
                for class_map_type_1_item_data in (_class_map_type_1):
                    class_map_type_1_item = cast(list[int], class_map_type_1_item_data)

                    class_map_type_1.append(class_map_type_1_item)

                return class_map_type_1
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


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_expected_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        expected_rate = _parse_expected_rate(d.pop("expected_rate", UNSET))


        def _parse_realised(data: object) -> None | RealisedNoise | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                realised_type_0 = RealisedNoise.from_dict(data)



                return realised_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RealisedNoise | Unset, data)

        realised = _parse_realised(d.pop("realised", UNSET))


        corruption_labels = cls(
            kind=kind,
            seed=seed,
            noise=noise,
            p=p,
            class_map=class_map,
            matrix=matrix,
            description=description,
            expected_rate=expected_rate,
            realised=realised,
        )


        corruption_labels.additional_properties = d
        return corruption_labels

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
