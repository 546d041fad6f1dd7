from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.audit_job import AuditJob
  from ..models.dynamics_job import DynamicsJob
  from ..models.graft_job import GraftJob
  from ..models.midway_job import MidwayJob
  from ..models.probe_job import ProbeJob
  from ..models.repair_job import RepairJob
  from ..models.train_job import TrainJob





T = TypeVar("T", bound="JobPage")



@_attrs_define
class JobPage:
    """ 
        Attributes:
            items (list[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob]):
            total (int):
            limit (int):
            offset (int):
     """

    items: list[AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob]
    total: int
    limit: int
    offset: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_job import AuditJob # noqa: PLC0415
        from ..models.dynamics_job import DynamicsJob # noqa: PLC0415
        from ..models.graft_job import GraftJob # noqa: PLC0415
        from ..models.midway_job import MidwayJob # noqa: PLC0415
        from ..models.probe_job import ProbeJob # noqa: PLC0415
        from ..models.repair_job import RepairJob # noqa: PLC0415
        from ..models.train_job import TrainJob # noqa: PLC0415
        items = []
        for items_item_data in self.items:
            items_item: dict[str, Any]
            if isinstance(items_item_data, ProbeJob):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, RepairJob):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, TrainJob):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, DynamicsJob):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, MidwayJob):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, AuditJob):
                items_item = items_item_data.to_dict()
            else:
                items_item = items_item_data.to_dict()

            items.append(items_item)



        total = self.total

        limit = self.limit

        offset = self.offset


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "items": items,
            "total": total,
            "limit": limit,
            "offset": offset,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_job import AuditJob # noqa: PLC0415
        from ..models.dynamics_job import DynamicsJob # noqa: PLC0415
        from ..models.graft_job import GraftJob # noqa: PLC0415
        from ..models.midway_job import MidwayJob # noqa: PLC0415
        from ..models.probe_job import ProbeJob # noqa: PLC0415
        from ..models.repair_job import RepairJob # noqa: PLC0415
        from ..models.train_job import TrainJob # noqa: PLC0415
        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            def _parse_items_item(data: object) -> AuditJob | DynamicsJob | GraftJob | MidwayJob | ProbeJob | RepairJob | TrainJob:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_0 = ProbeJob.from_dict(data)



                    return items_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_1 = RepairJob.from_dict(data)



                    return items_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_2 = TrainJob.from_dict(data)



                    return items_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_3 = DynamicsJob.from_dict(data)



                    return items_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_4 = MidwayJob.from_dict(data)



                    return items_item_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_5 = AuditJob.from_dict(data)



                    return items_item_type_5
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                items_item_type_6 = GraftJob.from_dict(data)



                return items_item_type_6

            items_item = _parse_items_item(items_item_data)

            items.append(items_item)


        total = d.pop("total")

        limit = d.pop("limit")

        offset = d.pop("offset")

        job_page = cls(
            items=items,
            total=total,
            limit=limit,
            offset=offset,
        )


        job_page.additional_properties = d
        return job_page

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
