from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.label_noise import LabelNoise





T = TypeVar("T", bound="DataSummary")



@_attrs_define
class DataSummary:
    """ What a job ran on.

        Attributes:
            n_train (int):
            n_test (int):
            input_shape (list[int]):
            num_classes (int):
            flip_rate (float): fraction of training labels that differ from y_train
            preprocessing (None | str | Unset): how the inputs were prepared, in words (absent for data sets registered
                before it was recorded)
            noise (LabelNoise | None | Unset): the training labels' noise: what changed into what (absent in results from
                before it was reported)
     """

    n_train: int
    n_test: int
    input_shape: list[int]
    num_classes: int
    flip_rate: float
    preprocessing: None | str | Unset = UNSET
    noise: LabelNoise | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.label_noise import LabelNoise # noqa: PLC0415
        n_train = self.n_train

        n_test = self.n_test

        input_shape = self.input_shape



        num_classes = self.num_classes

        flip_rate = self.flip_rate

        preprocessing: None | str | Unset
        if isinstance(self.preprocessing, Unset):
            preprocessing = UNSET
        else:
            preprocessing = self.preprocessing

        noise: dict[str, Any] | None | Unset
        if isinstance(self.noise, Unset):
            noise = UNSET
        elif isinstance(self.noise, LabelNoise):
            noise = self.noise.to_dict()
        else:
            noise = self.noise


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "n_train": n_train,
            "n_test": n_test,
            "input_shape": input_shape,
            "num_classes": num_classes,
            "flip_rate": flip_rate,
        })
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing
        if noise is not UNSET:
            field_dict["noise"] = noise

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.label_noise import LabelNoise # noqa: PLC0415
        d = dict(src_dict)
        n_train = d.pop("n_train")

        n_test = d.pop("n_test")

        input_shape = cast(list[int], d.pop("input_shape"))


        num_classes = d.pop("num_classes")

        flip_rate = d.pop("flip_rate")

        def _parse_preprocessing(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preprocessing = _parse_preprocessing(d.pop("preprocessing", UNSET))


        def _parse_noise(data: object) -> LabelNoise | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                noise_type_0 = LabelNoise.from_dict(data)



                return noise_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LabelNoise | None | Unset, data)

        noise = _parse_noise(d.pop("noise", UNSET))


        data_summary = cls(
            n_train=n_train,
            n_test=n_test,
            input_shape=input_shape,
            num_classes=num_classes,
            flip_rate=flip_rate,
            preprocessing=preprocessing,
            noise=noise,
        )


        data_summary.additional_properties = d
        return data_summary

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
