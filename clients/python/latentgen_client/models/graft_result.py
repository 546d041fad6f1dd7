from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.artifact_out import ArtifactOut
  from ..models.graft_summary import GraftSummary
  from ..models.tidy_row import TidyRow





T = TypeVar("T", bound="GraftResult")



@_attrs_define
class GraftResult:
    """ 
        Attributes:
            job_id (str):
            columns (list[str]):
            artifacts (list[ArtifactOut]):
            kind (Literal['graft']):
            rows (list[TidyRow]):
            summary (GraftSummary):
     """

    job_id: str
    columns: list[str]
    artifacts: list[ArtifactOut]
    kind: Literal['graft']
    rows: list[TidyRow]
    summary: GraftSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.artifact_out import ArtifactOut # noqa: PLC0415
        from ..models.graft_summary import GraftSummary # noqa: PLC0415
        from ..models.tidy_row import TidyRow # noqa: PLC0415
        job_id = self.job_id

        columns = self.columns



        artifacts = []
        for artifacts_item_data in self.artifacts:
            artifacts_item = artifacts_item_data.to_dict()
            artifacts.append(artifacts_item)



        kind = self.kind

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)



        summary = self.summary.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "job_id": job_id,
            "columns": columns,
            "artifacts": artifacts,
            "kind": kind,
            "rows": rows,
            "summary": summary,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.artifact_out import ArtifactOut # noqa: PLC0415
        from ..models.graft_summary import GraftSummary # noqa: PLC0415
        from ..models.tidy_row import TidyRow # noqa: PLC0415
        d = dict(src_dict)
        job_id = d.pop("job_id")

        columns = cast(list[str], d.pop("columns"))


        artifacts = []
        _artifacts = d.pop("artifacts")
        for artifacts_item_data in (_artifacts):
            artifacts_item = ArtifactOut.from_dict(artifacts_item_data)



            artifacts.append(artifacts_item)


        kind = cast(Literal['graft'] , d.pop("kind"))
        if kind != 'graft':
            raise ValueError(f"kind must match const 'graft', got '{kind}'")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in (_rows):
            rows_item = TidyRow.from_dict(rows_item_data)



            rows.append(rows_item)


        summary = GraftSummary.from_dict(d.pop("summary"))




        graft_result = cls(
            job_id=job_id,
            columns=columns,
            artifacts=artifacts,
            kind=kind,
            rows=rows,
            summary=summary,
        )


        graft_result.additional_properties = d
        return graft_result

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
