from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast

if TYPE_CHECKING:
  from ..models.dataset_spec import DatasetSpec





T = TypeVar("T", bound="DatasetUpload")



@_attrs_define
class DatasetUpload:
    """ `POST /v1/datasets`, multipart/form-data.

        Attributes:
            spec (DatasetSpec): The `spec` part of `POST /v1/datasets` (JSON).
            file (File | Unset): npz with x_train, y_train, x_test, y_test (source npz)
            train_labels (File | Unset): .npy integer array: the labels the model was trained on
     """

    spec: DatasetSpec
    file: File | Unset = UNSET
    train_labels: File | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        spec = self.spec.to_dict()

        file: FileTypes | Unset = UNSET
        if not isinstance(self.file, Unset):
            file = self.file.to_tuple()


        train_labels: FileTypes | Unset = UNSET
        if not isinstance(self.train_labels, Unset):
            train_labels = self.train_labels.to_tuple()



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "spec": spec,
        })
        if file is not UNSET:
            field_dict["file"] = file
        if train_labels is not UNSET:
            field_dict["train_labels"] = train_labels

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        files: types.RequestFiles = []

        files.append(("spec", (None, json.dumps( self.spec.to_dict()).encode(), "application/json")))



        if not isinstance(self.file, Unset):
            files.append(("file", self.file.to_tuple()))



        if not isinstance(self.train_labels, Unset):
            files.append(("train_labels", self.train_labels.to_tuple()))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        d = dict(src_dict)
        spec = DatasetSpec.from_dict(d.pop("spec"))




        _file = d.pop("file", UNSET)
        file: File | Unset
        if isinstance(_file,  Unset):
            file = UNSET
        else:
            file = File(
             payload = BytesIO(_file)
        )




        _train_labels = d.pop("train_labels", UNSET)
        train_labels: File | Unset
        if isinstance(_train_labels,  Unset):
            train_labels = UNSET
        else:
            train_labels = File(
             payload = BytesIO(_train_labels)
        )




        dataset_upload = cls(
            spec=spec,
            file=file,
            train_labels=train_labels,
        )


        dataset_upload.additional_properties = d
        return dataset_upload

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
