from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="ArtifactOut")



@_attrs_define
class ArtifactOut:
    """ 
        Attributes:
            id (str):
            job_id (None | str):
            kind (str): result (CSV table), plot (PNG), weights, checkpoints
            name (str):
            media_type (str):
            sha256 (str):
            size_bytes (int):
            created_at (datetime.datetime):
     """

    id: str
    job_id: None | str
    kind: str
    name: str
    media_type: str
    sha256: str
    size_bytes: int
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        job_id: None | str
        job_id = self.job_id

        kind = self.kind

        name = self.name

        media_type = self.media_type

        sha256 = self.sha256

        size_bytes = self.size_bytes

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "job_id": job_id,
            "kind": kind,
            "name": name,
            "media_type": media_type,
            "sha256": sha256,
            "size_bytes": size_bytes,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        job_id = _parse_job_id(d.pop("job_id"))


        kind = d.pop("kind")

        name = d.pop("name")

        media_type = d.pop("media_type")

        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        artifact_out = cls(
            id=id,
            job_id=job_id,
            kind=kind,
            name=name,
            media_type=media_type,
            sha256=sha256,
            size_bytes=size_bytes,
            created_at=created_at,
        )


        artifact_out.additional_properties = d
        return artifact_out

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
