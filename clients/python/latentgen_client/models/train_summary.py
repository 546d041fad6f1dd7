from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.train_summary_stopped_reason import TrainSummaryStoppedReason
from typing import cast

if TYPE_CHECKING:
  from ..models.data_summary import DataSummary
  from ..models.epoch_metrics import EpochMetrics
  from ..models.trained_arch import TrainedArch
  from ..models.validation_info import ValidationInfo





T = TypeVar("T", bound="TrainSummary")



@_attrs_define
class TrainSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            arch (TrainedArch):
            recipe (str):
            epochs_run (int):
            stopped_reason (TrainSummaryStoppedReason):
            final (EpochMetrics | None):
            checkpoint_epochs (list[int]):
            validation (None | ValidationInfo): held out of training (null: trained on every example)
            output_model_id (str):
     """

    data: DataSummary
    arch: TrainedArch
    recipe: str
    epochs_run: int
    stopped_reason: TrainSummaryStoppedReason
    final: EpochMetrics | None
    checkpoint_epochs: list[int]
    validation: None | ValidationInfo
    output_model_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.epoch_metrics import EpochMetrics # noqa: PLC0415
        from ..models.trained_arch import TrainedArch # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        data = self.data.to_dict()

        arch = self.arch.to_dict()

        recipe = self.recipe

        epochs_run = self.epochs_run

        stopped_reason = self.stopped_reason.value

        final: dict[str, Any] | None
        if isinstance(self.final, EpochMetrics):
            final = self.final.to_dict()
        else:
            final = self.final

        checkpoint_epochs = self.checkpoint_epochs



        validation: dict[str, Any] | None
        if isinstance(self.validation, ValidationInfo):
            validation = self.validation.to_dict()
        else:
            validation = self.validation

        output_model_id = self.output_model_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "arch": arch,
            "recipe": recipe,
            "epochs_run": epochs_run,
            "stopped_reason": stopped_reason,
            "final": final,
            "checkpoint_epochs": checkpoint_epochs,
            "validation": validation,
            "output_model_id": output_model_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.epoch_metrics import EpochMetrics # noqa: PLC0415
        from ..models.trained_arch import TrainedArch # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        arch = TrainedArch.from_dict(d.pop("arch"))




        recipe = d.pop("recipe")

        epochs_run = d.pop("epochs_run")

        stopped_reason = TrainSummaryStoppedReason(d.pop("stopped_reason"))




        def _parse_final(data: object) -> EpochMetrics | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                final_type_0 = EpochMetrics.from_dict(data)



                return final_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EpochMetrics | None, data)

        final = _parse_final(d.pop("final"))


        checkpoint_epochs = cast(list[int], d.pop("checkpoint_epochs"))


        def _parse_validation(data: object) -> None | ValidationInfo:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                validation_type_0 = ValidationInfo.from_dict(data)



                return validation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ValidationInfo, data)

        validation = _parse_validation(d.pop("validation"))


        output_model_id = d.pop("output_model_id")

        train_summary = cls(
            data=data,
            arch=arch,
            recipe=recipe,
            epochs_run=epochs_run,
            stopped_reason=stopped_reason,
            final=final,
            checkpoint_epochs=checkpoint_epochs,
            validation=validation,
            output_model_id=output_model_id,
        )


        train_summary.additional_properties = d
        return train_summary

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
