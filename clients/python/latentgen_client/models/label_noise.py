from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.label_change import LabelChange





T = TypeVar("T", bound="LabelNoise")



@_attrs_define
class LabelNoise:
    """ A job's training labels against the true ones.

        Attributes:
            rate (float): share of training labels that differ from the true ones
            changes (list[LabelChange]): the most frequent changes, most frequent first
            counts (list[list[int]] | None | Unset): K × K: counts[true][given] (up to 100 classes)
            model (None | str | Unset): the noise model in words, when the service drew the labels
     """

    rate: float
    changes: list[LabelChange]
    counts: list[list[int]] | None | Unset = UNSET
    model: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.label_change import LabelChange # noqa: PLC0415
        rate = self.rate

        changes = []
        for changes_item_data in self.changes:
            changes_item = changes_item_data.to_dict()
            changes.append(changes_item)



        counts: list[list[int]] | None | Unset
        if isinstance(self.counts, Unset):
            counts = UNSET
        elif isinstance(self.counts, list):
            counts = []
            for counts_type_0_item_data in self.counts:
                counts_type_0_item = counts_type_0_item_data


                counts.append(counts_type_0_item)


        else:
            counts = self.counts

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "rate": rate,
            "changes": changes,
        })
        if counts is not UNSET:
            field_dict["counts"] = counts
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.label_change import LabelChange # noqa: PLC0415
        d = dict(src_dict)
        rate = d.pop("rate")

        changes = []
        _changes = d.pop("changes")
        for changes_item_data in (_changes):
            changes_item = LabelChange.from_dict(changes_item_data)



            changes.append(changes_item)


        def _parse_counts(data: object) -> list[list[int]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                counts_type_0 = []
                _counts_type_0 = data
                for counts_type_0_item_data in (_counts_type_0):
                    counts_type_0_item = cast(list[int], counts_type_0_item_data)

                    counts_type_0.append(counts_type_0_item)

                return counts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[int]] | None | Unset, data)

        counts = _parse_counts(d.pop("counts", UNSET))


        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))


        label_noise = cls(
            rate=rate,
            changes=changes,
            counts=counts,
            model=model,
        )


        label_noise.additional_properties = d
        return label_noise

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
