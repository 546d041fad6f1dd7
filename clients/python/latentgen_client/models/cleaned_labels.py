from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.clean_mode import CleanMode
from typing import Literal, cast






T = TypeVar("T", bound="CleanedLabels")



@_attrs_define
class CleanedLabels:
    """ Training labels cleaned by an audit job: its suggestions (relabel), or without the flagged
    examples (filter).

        Attributes:
            kind (Literal['cleaned']):
            sha256 (str):
            mode (CleanMode): How an audit cleans the training labels: flagged examples take the suggested label
                (`relabel`) or are left out (`filter`).
            audit_job_id (str):
            source_dataset_id (str):
            n_changed (int): labels replaced (relabel) or examples left out (filter)
     """

    kind: Literal['cleaned']
    sha256: str
    mode: CleanMode
    audit_job_id: str
    source_dataset_id: str
    n_changed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        sha256 = self.sha256

        mode = self.mode.value

        audit_job_id = self.audit_job_id

        source_dataset_id = self.source_dataset_id

        n_changed = self.n_changed


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "sha256": sha256,
            "mode": mode,
            "audit_job_id": audit_job_id,
            "source_dataset_id": source_dataset_id,
            "n_changed": n_changed,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = cast(Literal['cleaned'] , d.pop("kind"))
        if kind != 'cleaned':
            raise ValueError(f"kind must match const 'cleaned', got '{kind}'")

        sha256 = d.pop("sha256")

        mode = CleanMode(d.pop("mode"))




        audit_job_id = d.pop("audit_job_id")

        source_dataset_id = d.pop("source_dataset_id")

        n_changed = d.pop("n_changed")

        cleaned_labels = cls(
            kind=kind,
            sha256=sha256,
            mode=mode,
            audit_job_id=audit_job_id,
            source_dataset_id=source_dataset_id,
            n_changed=n_changed,
        )


        cleaned_labels.additional_properties = d
        return cleaned_labels

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
