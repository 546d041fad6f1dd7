from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.choice_rule import ChoiceRule
from ..models.validation_source import ValidationSource
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ValidationInfo")



@_attrs_define
class ValidationInfo:
    """ 
        Attributes:
            n_val (int):
            fraction (float | None):
            seed (int | None):
            source (ValidationSource):
            labels (str):
            dataset_id (None | str | Unset): the held-out data set
            warning (None | str | Unset): set when the model seems to have been trained on the validation examples (the
                noise-ceiling rule then chooses)
            rule (ChoiceRule | None | Unset): what chose: the highest validation accuracy, or the noise-ceiling rule (the
                network memorized the validation examples)
            rule_reason (None | str | Unset): the rule, in words
            noise_ceiling (float | None | Unset): under the noise-ceiling rule: the estimated agreement with the noisy
                labels of a reader that did not memorize
     """

    n_val: int
    fraction: float | None
    seed: int | None
    source: ValidationSource
    labels: str
    dataset_id: None | str | Unset = UNSET
    warning: None | str | Unset = UNSET
    rule: ChoiceRule | None | Unset = UNSET
    rule_reason: None | str | Unset = UNSET
    noise_ceiling: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        n_val = self.n_val

        fraction: float | None
        fraction = self.fraction

        seed: int | None
        seed = self.seed

        source = self.source.value

        labels = self.labels

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        else:
            dataset_id = self.dataset_id

        warning: None | str | Unset
        if isinstance(self.warning, Unset):
            warning = UNSET
        else:
            warning = self.warning

        rule: None | str | Unset
        if isinstance(self.rule, Unset):
            rule = UNSET
        elif isinstance(self.rule, ChoiceRule):
            rule = self.rule.value
        else:
            rule = self.rule

        rule_reason: None | str | Unset
        if isinstance(self.rule_reason, Unset):
            rule_reason = UNSET
        else:
            rule_reason = self.rule_reason

        noise_ceiling: float | None | Unset
        if isinstance(self.noise_ceiling, Unset):
            noise_ceiling = UNSET
        else:
            noise_ceiling = self.noise_ceiling


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "n_val": n_val,
            "fraction": fraction,
            "seed": seed,
            "source": source,
            "labels": labels,
        })
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if warning is not UNSET:
            field_dict["warning"] = warning
        if rule is not UNSET:
            field_dict["rule"] = rule
        if rule_reason is not UNSET:
            field_dict["rule_reason"] = rule_reason
        if noise_ceiling is not UNSET:
            field_dict["noise_ceiling"] = noise_ceiling

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        n_val = d.pop("n_val")

        def _parse_fraction(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        fraction = _parse_fraction(d.pop("fraction"))


        def _parse_seed(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seed = _parse_seed(d.pop("seed"))


        source = ValidationSource(d.pop("source"))




        labels = d.pop("labels")

        def _parse_dataset_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))


        def _parse_warning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        warning = _parse_warning(d.pop("warning", UNSET))


        def _parse_rule(data: object) -> ChoiceRule | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rule_type_0 = ChoiceRule(data)



                return rule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChoiceRule | None | Unset, data)

        rule = _parse_rule(d.pop("rule", UNSET))


        def _parse_rule_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rule_reason = _parse_rule_reason(d.pop("rule_reason", UNSET))


        def _parse_noise_ceiling(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        noise_ceiling = _parse_noise_ceiling(d.pop("noise_ceiling", UNSET))


        validation_info = cls(
            n_val=n_val,
            fraction=fraction,
            seed=seed,
            source=source,
            labels=labels,
            dataset_id=dataset_id,
            warning=warning,
            rule=rule,
            rule_reason=rule_reason,
            noise_ceiling=noise_ceiling,
        )


        validation_info.additional_properties = d
        return validation_info

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
