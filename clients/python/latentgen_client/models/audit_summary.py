from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.choice import Choice
  from ..models.data_summary import DataSummary
  from ..models.detection_summary import DetectionSummary
  from ..models.model_accuracy import ModelAccuracy
  from ..models.noise_structure import NoiseStructure
  from ..models.realised_noise import RealisedNoise
  from ..models.tidy_row import TidyRow
  from ..models.validation_info import ValidationInfo





T = TypeVar("T", bound="AuditSummary")



@_attrs_define
class AuditSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            n (int):
            n_flagged (int):
            estimated_noise_rate (float):
            layer (str):
            probe (str):
            folds (int):
            val_acc (float | None):
            test_acc (float | None):
            chosen_by (str):
            oracle (Choice | None):
            model (ModelAccuracy): The model's own predictions against the noisy labels of the validation split and of the
                other training examples, and against the test labels.
            validation (ValidationInfo):
            detection (DetectionSummary | None):
            candidates (list[TidyRow]): val_acc and test_acc (and detection metrics) per candidate
            cleaned_dataset_id (None | str):
            source_model_id (str):
            estimated_noise (None | RealisedNoise | Unset): the labels' noise as the audit sees it:
                counts[suggested][given], its most frequent changes
            noise_structure (NoiseStructure | None | Unset): absent with one probe
     """

    data: DataSummary
    n: int
    n_flagged: int
    estimated_noise_rate: float
    layer: str
    probe: str
    folds: int
    val_acc: float | None
    test_acc: float | None
    chosen_by: str
    oracle: Choice | None
    model: ModelAccuracy
    validation: ValidationInfo
    detection: DetectionSummary | None
    candidates: list[TidyRow]
    cleaned_dataset_id: None | str
    source_model_id: str
    estimated_noise: None | RealisedNoise | Unset = UNSET
    noise_structure: NoiseStructure | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.choice import Choice # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.detection_summary import DetectionSummary # noqa: PLC0415
        from ..models.model_accuracy import ModelAccuracy # noqa: PLC0415
        from ..models.noise_structure import NoiseStructure # noqa: PLC0415
        from ..models.realised_noise import RealisedNoise # noqa: PLC0415
        from ..models.tidy_row import TidyRow # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        data = self.data.to_dict()

        n = self.n

        n_flagged = self.n_flagged

        estimated_noise_rate = self.estimated_noise_rate

        layer = self.layer

        probe = self.probe

        folds = self.folds

        val_acc: float | None
        val_acc = self.val_acc

        test_acc: float | None
        test_acc = self.test_acc

        chosen_by = self.chosen_by

        oracle: dict[str, Any] | None
        if isinstance(self.oracle, Choice):
            oracle = self.oracle.to_dict()
        else:
            oracle = self.oracle

        model = self.model.to_dict()

        validation = self.validation.to_dict()

        detection: dict[str, Any] | None
        if isinstance(self.detection, DetectionSummary):
            detection = self.detection.to_dict()
        else:
            detection = self.detection

        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)



        cleaned_dataset_id: None | str
        cleaned_dataset_id = self.cleaned_dataset_id

        source_model_id = self.source_model_id

        estimated_noise: dict[str, Any] | None | Unset
        if isinstance(self.estimated_noise, Unset):
            estimated_noise = UNSET
        elif isinstance(self.estimated_noise, RealisedNoise):
            estimated_noise = self.estimated_noise.to_dict()
        else:
            estimated_noise = self.estimated_noise

        noise_structure: dict[str, Any] | None | Unset
        if isinstance(self.noise_structure, Unset):
            noise_structure = UNSET
        elif isinstance(self.noise_structure, NoiseStructure):
            noise_structure = self.noise_structure.to_dict()
        else:
            noise_structure = self.noise_structure


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "n": n,
            "n_flagged": n_flagged,
            "estimated_noise_rate": estimated_noise_rate,
            "layer": layer,
            "probe": probe,
            "folds": folds,
            "val_acc": val_acc,
            "test_acc": test_acc,
            "chosen_by": chosen_by,
            "oracle": oracle,
            "model": model,
            "validation": validation,
            "detection": detection,
            "candidates": candidates,
            "cleaned_dataset_id": cleaned_dataset_id,
            "source_model_id": source_model_id,
        })
        if estimated_noise is not UNSET:
            field_dict["estimated_noise"] = estimated_noise
        if noise_structure is not UNSET:
            field_dict["noise_structure"] = noise_structure

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.choice import Choice # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.detection_summary import DetectionSummary # noqa: PLC0415
        from ..models.model_accuracy import ModelAccuracy # noqa: PLC0415
        from ..models.noise_structure import NoiseStructure # noqa: PLC0415
        from ..models.realised_noise import RealisedNoise # noqa: PLC0415
        from ..models.tidy_row import TidyRow # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        n = d.pop("n")

        n_flagged = d.pop("n_flagged")

        estimated_noise_rate = d.pop("estimated_noise_rate")

        layer = d.pop("layer")

        probe = d.pop("probe")

        folds = d.pop("folds")

        def _parse_val_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        val_acc = _parse_val_acc(d.pop("val_acc"))


        def _parse_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        test_acc = _parse_test_acc(d.pop("test_acc"))


        chosen_by = d.pop("chosen_by")

        def _parse_oracle(data: object) -> Choice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                oracle_type_0 = Choice.from_dict(data)



                return oracle_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Choice | None, data)

        oracle = _parse_oracle(d.pop("oracle"))


        model = ModelAccuracy.from_dict(d.pop("model"))




        validation = ValidationInfo.from_dict(d.pop("validation"))




        def _parse_detection(data: object) -> DetectionSummary | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                detection_type_0 = DetectionSummary.from_dict(data)



                return detection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DetectionSummary | None, data)

        detection = _parse_detection(d.pop("detection"))


        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in (_candidates):
            candidates_item = TidyRow.from_dict(candidates_item_data)



            candidates.append(candidates_item)


        def _parse_cleaned_dataset_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cleaned_dataset_id = _parse_cleaned_dataset_id(d.pop("cleaned_dataset_id"))


        source_model_id = d.pop("source_model_id")

        def _parse_estimated_noise(data: object) -> None | RealisedNoise | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                estimated_noise_type_0 = RealisedNoise.from_dict(data)



                return estimated_noise_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RealisedNoise | Unset, data)

        estimated_noise = _parse_estimated_noise(d.pop("estimated_noise", UNSET))


        def _parse_noise_structure(data: object) -> NoiseStructure | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                noise_structure_type_0 = NoiseStructure.from_dict(data)



                return noise_structure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NoiseStructure | None | Unset, data)

        noise_structure = _parse_noise_structure(d.pop("noise_structure", UNSET))


        audit_summary = cls(
            data=data,
            n=n,
            n_flagged=n_flagged,
            estimated_noise_rate=estimated_noise_rate,
            layer=layer,
            probe=probe,
            folds=folds,
            val_acc=val_acc,
            test_acc=test_acc,
            chosen_by=chosen_by,
            oracle=oracle,
            model=model,
            validation=validation,
            detection=detection,
            candidates=candidates,
            cleaned_dataset_id=cleaned_dataset_id,
            source_model_id=source_model_id,
            estimated_noise=estimated_noise,
            noise_structure=noise_structure,
        )


        audit_summary.additional_properties = d
        return audit_summary

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
