from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.data_source import DataSource
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.cleaned_labels import CleanedLabels
  from ..models.corruption_labels import CorruptionLabels
  from ..models.dataset_info import DatasetInfo
  from ..models.uploaded_labels import UploadedLabels





T = TypeVar("T", bound="DatasetOut")



@_attrs_define
class DatasetOut:
    """ 
        Attributes:
            id (str):
            name (None | str):
            source (DataSource):
            root (None | str):
            sha256 (None | str):
            size_bytes (int | None):
            labels (CleanedLabels | CorruptionLabels | UploadedLabels):
            info (DatasetInfo): What is known of the data before a worker loads it (from an uploaded npz's headers).
            created_at (datetime.datetime):
     """

    id: str
    name: None | str
    source: DataSource
    root: None | str
    sha256: None | str
    size_bytes: int | None
    labels: CleanedLabels | CorruptionLabels | UploadedLabels
    info: DatasetInfo
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.cleaned_labels import CleanedLabels # noqa: PLC0415
        from ..models.corruption_labels import CorruptionLabels # noqa: PLC0415
        from ..models.dataset_info import DatasetInfo # noqa: PLC0415
        from ..models.uploaded_labels import UploadedLabels # noqa: PLC0415
        id = self.id

        name: None | str
        name = self.name

        source = self.source.value

        root: None | str
        root = self.root

        sha256: None | str
        sha256 = self.sha256

        size_bytes: int | None
        size_bytes = self.size_bytes

        labels: dict[str, Any]
        if isinstance(self.labels, CorruptionLabels):
            labels = self.labels.to_dict()
        elif isinstance(self.labels, UploadedLabels):
            labels = self.labels.to_dict()
        else:
            labels = self.labels.to_dict()


        info = self.info.to_dict()

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "source": source,
            "root": root,
            "sha256": sha256,
            "size_bytes": size_bytes,
            "labels": labels,
            "info": info,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cleaned_labels import CleanedLabels # noqa: PLC0415
        from ..models.corruption_labels import CorruptionLabels # noqa: PLC0415
        from ..models.dataset_info import DatasetInfo # noqa: PLC0415
        from ..models.uploaded_labels import UploadedLabels # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))


        source = DataSource(d.pop("source"))




        def _parse_root(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        root = _parse_root(d.pop("root"))


        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))


        def _parse_size_bytes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        size_bytes = _parse_size_bytes(d.pop("size_bytes"))


        def _parse_labels(data: object) -> CleanedLabels | CorruptionLabels | UploadedLabels:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                labels_type_0 = CorruptionLabels.from_dict(data)



                return labels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                labels_type_1 = UploadedLabels.from_dict(data)



                return labels_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            labels_type_2 = CleanedLabels.from_dict(data)



            return labels_type_2

        labels = _parse_labels(d.pop("labels"))


        info = DatasetInfo.from_dict(d.pop("info"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        dataset_out = cls(
            id=id,
            name=name,
            source=source,
            root=root,
            sha256=sha256,
            size_bytes=size_bytes,
            labels=labels,
            info=info,
            created_at=created_at,
        )


        dataset_out.additional_properties = d
        return dataset_out

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
