from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AuditRow")



@_attrs_define
class AuditRow:
    """ One training example.

        Attributes:
            index (int):
            given (int): the training label
            suggested (int): the probe's class where flagged, else the given label
            score (float): suspicion: best other class's normalised score minus the given label's; > 0 exactly when flagged
            flagged (bool):
            true_label (int | None | Unset): when known (y_train)
     """

    index: int
    given: int
    suggested: int
    score: float
    flagged: bool
    true_label: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        index = self.index

        given = self.given

        suggested = self.suggested

        score = self.score

        flagged = self.flagged

        true_label: int | None | Unset
        if isinstance(self.true_label, Unset):
            true_label = UNSET
        else:
            true_label = self.true_label


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "index": index,
            "given": given,
            "suggested": suggested,
            "score": score,
            "flagged": flagged,
        })
        if true_label is not UNSET:
            field_dict["true_label"] = true_label

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        index = d.pop("index")

        given = d.pop("given")

        suggested = d.pop("suggested")

        score = d.pop("score")

        flagged = d.pop("flagged")

        def _parse_true_label(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        true_label = _parse_true_label(d.pop("true_label", UNSET))


        audit_row = cls(
            index=index,
            given=given,
            suggested=suggested,
            score=score,
            flagged=flagged,
            true_label=true_label,
        )


        audit_row.additional_properties = d
        return audit_row

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
