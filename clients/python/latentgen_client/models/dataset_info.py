from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.loader_options import LoaderOptions
  from ..models.preprocessing import Preprocessing





T = TypeVar("T", bound="DatasetInfo")



@_attrs_define
class DatasetInfo:
    """ What is known of the data before a worker loads it (from an uploaded npz's headers).

        Attributes:
            n_train (int | None | Unset):
            n_test (int | None | Unset):
            n_val (int | None | Unset): examples of the npz's x_val, y_val: held out of the model's training, they make
                every choice of a job that gives no params.validation
            sample_shape (list[int] | None | Unset):
            num_features (int | None | Unset):
            num_classes (int | None | Unset):
            options (LoaderOptions | None | Unset):
            input_dtype (None | str | Unset): the stored inputs' type (uint8, float32…)
            preprocessing (None | Preprocessing | Unset): null for data sets registered before preprocessing was recorded
                (they get the default)
     """

    n_train: int | None | Unset = UNSET
    n_test: int | None | Unset = UNSET
    n_val: int | None | Unset = UNSET
    sample_shape: list[int] | None | Unset = UNSET
    num_features: int | None | Unset = UNSET
    num_classes: int | None | Unset = UNSET
    options: LoaderOptions | None | Unset = UNSET
    input_dtype: None | str | Unset = UNSET
    preprocessing: None | Preprocessing | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.loader_options import LoaderOptions # noqa: PLC0415
        from ..models.preprocessing import Preprocessing # noqa: PLC0415
        n_train: int | None | Unset
        if isinstance(self.n_train, Unset):
            n_train = UNSET
        else:
            n_train = self.n_train

        n_test: int | None | Unset
        if isinstance(self.n_test, Unset):
            n_test = UNSET
        else:
            n_test = self.n_test

        n_val: int | None | Unset
        if isinstance(self.n_val, Unset):
            n_val = UNSET
        else:
            n_val = self.n_val

        sample_shape: list[int] | None | Unset
        if isinstance(self.sample_shape, Unset):
            sample_shape = UNSET
        elif isinstance(self.sample_shape, list):
            sample_shape = self.sample_shape


        else:
            sample_shape = self.sample_shape

        num_features: int | None | Unset
        if isinstance(self.num_features, Unset):
            num_features = UNSET
        else:
            num_features = self.num_features

        num_classes: int | None | Unset
        if isinstance(self.num_classes, Unset):
            num_classes = UNSET
        else:
            num_classes = self.num_classes

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, LoaderOptions):
            options = self.options.to_dict()
        else:
            options = self.options

        input_dtype: None | str | Unset
        if isinstance(self.input_dtype, Unset):
            input_dtype = UNSET
        else:
            input_dtype = self.input_dtype

        preprocessing: dict[str, Any] | None | Unset
        if isinstance(self.preprocessing, Unset):
            preprocessing = UNSET
        elif isinstance(self.preprocessing, Preprocessing):
            preprocessing = self.preprocessing.to_dict()
        else:
            preprocessing = self.preprocessing


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if n_train is not UNSET:
            field_dict["n_train"] = n_train
        if n_test is not UNSET:
            field_dict["n_test"] = n_test
        if n_val is not UNSET:
            field_dict["n_val"] = n_val
        if sample_shape is not UNSET:
            field_dict["sample_shape"] = sample_shape
        if num_features is not UNSET:
            field_dict["num_features"] = num_features
        if num_classes is not UNSET:
            field_dict["num_classes"] = num_classes
        if options is not UNSET:
            field_dict["options"] = options
        if input_dtype is not UNSET:
            field_dict["input_dtype"] = input_dtype
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.loader_options import LoaderOptions # noqa: PLC0415
        from ..models.preprocessing import Preprocessing # noqa: PLC0415
        d = dict(src_dict)
        def _parse_n_train(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_train = _parse_n_train(d.pop("n_train", UNSET))


        def _parse_n_test(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_test = _parse_n_test(d.pop("n_test", UNSET))


        def _parse_n_val(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_val = _parse_n_val(d.pop("n_val", UNSET))


        def _parse_sample_shape(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                sample_shape_type_0 = cast(list[int], data)

                return sample_shape_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        sample_shape = _parse_sample_shape(d.pop("sample_shape", UNSET))


        def _parse_num_features(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        num_features = _parse_num_features(d.pop("num_features", UNSET))


        def _parse_num_classes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        num_classes = _parse_num_classes(d.pop("num_classes", UNSET))


        def _parse_options(data: object) -> LoaderOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_type_0 = LoaderOptions.from_dict(data)



                return options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LoaderOptions | None | Unset, data)

        options = _parse_options(d.pop("options", UNSET))


        def _parse_input_dtype(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        input_dtype = _parse_input_dtype(d.pop("input_dtype", UNSET))


        def _parse_preprocessing(data: object) -> None | Preprocessing | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                preprocessing_type_0 = Preprocessing.from_dict(data)



                return preprocessing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Preprocessing | Unset, data)

        preprocessing = _parse_preprocessing(d.pop("preprocessing", UNSET))


        dataset_info = cls(
            n_train=n_train,
            n_test=n_test,
            n_val=n_val,
            sample_shape=sample_shape,
            num_features=num_features,
            num_classes=num_classes,
            options=options,
            input_dtype=input_dtype,
            preprocessing=preprocessing,
        )


        dataset_info.additional_properties = d
        return dataset_info

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
