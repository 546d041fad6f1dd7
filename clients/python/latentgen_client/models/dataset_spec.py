from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.data_source import DataSource
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.corruption_spec import CorruptionSpec
  from ..models.loader_options import LoaderOptions
  from ..models.preprocessing_spec import PreprocessingSpec





T = TypeVar("T", bound="DatasetSpec")



@_attrs_define
class DatasetSpec:
    """ The `spec` part of `POST /v1/datasets` (JSON).

        Attributes:
            name (None | str | Unset):
            source (DataSource | Unset):
            root (None | str | Unset): path under the workers' data directory (named sources but digits)
            labels (CorruptionSpec | None | Unset): corruption applied to y_train; omit when uploading train_labels
            options (LoaderOptions | None | Unset):
            preprocessing (None | PreprocessingSpec | Unset): how inputs are scaled for the model; default: uint8 images x /
                255 then (x − 0.5) / 0.5 (the paper's), floating-point inputs as they are
     """

    name: None | str | Unset = UNSET
    source: DataSource | Unset = UNSET
    root: None | str | Unset = UNSET
    labels: CorruptionSpec | None | Unset = UNSET
    options: LoaderOptions | None | Unset = UNSET
    preprocessing: None | PreprocessingSpec | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.corruption_spec import CorruptionSpec # noqa: PLC0415
        from ..models.loader_options import LoaderOptions # noqa: PLC0415
        from ..models.preprocessing_spec import PreprocessingSpec # noqa: PLC0415
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value


        root: None | str | Unset
        if isinstance(self.root, Unset):
            root = UNSET
        else:
            root = self.root

        labels: dict[str, Any] | None | Unset
        if isinstance(self.labels, Unset):
            labels = UNSET
        elif isinstance(self.labels, CorruptionSpec):
            labels = self.labels.to_dict()
        else:
            labels = self.labels

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, LoaderOptions):
            options = self.options.to_dict()
        else:
            options = self.options

        preprocessing: dict[str, Any] | None | Unset
        if isinstance(self.preprocessing, Unset):
            preprocessing = UNSET
        elif isinstance(self.preprocessing, PreprocessingSpec):
            preprocessing = self.preprocessing.to_dict()
        else:
            preprocessing = self.preprocessing


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if source is not UNSET:
            field_dict["source"] = source
        if root is not UNSET:
            field_dict["root"] = root
        if labels is not UNSET:
            field_dict["labels"] = labels
        if options is not UNSET:
            field_dict["options"] = options
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.corruption_spec import CorruptionSpec # noqa: PLC0415
        from ..models.loader_options import LoaderOptions # noqa: PLC0415
        from ..models.preprocessing_spec import PreprocessingSpec # noqa: PLC0415
        d = dict(src_dict)
        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        _source = d.pop("source", UNSET)
        source: DataSource | Unset
        if isinstance(_source,  Unset):
            source = UNSET
        else:
            source = DataSource(_source)




        def _parse_root(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        root = _parse_root(d.pop("root", UNSET))


        def _parse_labels(data: object) -> CorruptionSpec | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                labels_type_0 = CorruptionSpec.from_dict(data)



                return labels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CorruptionSpec | None | Unset, data)

        labels = _parse_labels(d.pop("labels", UNSET))


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


        def _parse_preprocessing(data: object) -> None | PreprocessingSpec | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                preprocessing_type_0 = PreprocessingSpec.from_dict(data)



                return preprocessing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreprocessingSpec | Unset, data)

        preprocessing = _parse_preprocessing(d.pop("preprocessing", UNSET))


        dataset_spec = cls(
            name=name,
            source=source,
            root=root,
            labels=labels,
            options=options,
            preprocessing=preprocessing,
        )

        return dataset_spec

