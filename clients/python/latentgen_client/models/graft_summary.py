from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.head_name import HeadName
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.choice import Choice
  from ..models.data_summary import DataSummary
  from ..models.graft_summary_spec import GraftSummarySpec
  from ..models.graft_summary_test_per_class_type_0 import GraftSummaryTestPerClassType0
  from ..models.last_layer_repair import LastLayerRepair
  from ..models.model_accuracy import ModelAccuracy
  from ..models.validation_info import ValidationInfo





T = TypeVar("T", bound="GraftSummary")



@_attrs_define
class GraftSummary:
    """ 
        Attributes:
            data (DataSummary): What a job ran on.
            layer (str): the cut: the trunk ends with this layer
            head (HeadName): A grafted network's head: MASC as a quadratic head, or the linear probe.
            spec (GraftSummarySpec): cut, head, components: with the model's arch, builds the graft
            val_acc (float | None):
            test_acc (float | None): of the saved grafted model
            chosen_by (str):
            oracle (Choice | None):
            last_layer_repair (LastLayerRepair | None):
            model (ModelAccuracy): The model's own predictions against the noisy labels of the validation split and of the
                other training examples, and against the test labels.
            model_test_acc (float | None):
            gain (float | None): test_acc - model_test_acc
            validation (ValidationInfo):
            source_model_id (str):
            output_model_id (str):
            test_per_class (GraftSummaryTestPerClassType0 | None | Unset): the model's and the grafted model's (absent for
                jobs run before it existed)
     """

    data: DataSummary
    layer: str
    head: HeadName
    spec: GraftSummarySpec
    val_acc: float | None
    test_acc: float | None
    chosen_by: str
    oracle: Choice | None
    last_layer_repair: LastLayerRepair | None
    model: ModelAccuracy
    model_test_acc: float | None
    gain: float | None
    validation: ValidationInfo
    source_model_id: str
    output_model_id: str
    test_per_class: GraftSummaryTestPerClassType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.choice import Choice # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.graft_summary_spec import GraftSummarySpec # noqa: PLC0415
        from ..models.graft_summary_test_per_class_type_0 import GraftSummaryTestPerClassType0 # noqa: PLC0415
        from ..models.last_layer_repair import LastLayerRepair # noqa: PLC0415
        from ..models.model_accuracy import ModelAccuracy # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        data = self.data.to_dict()

        layer = self.layer

        head = self.head.value

        spec = self.spec.to_dict()

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

        last_layer_repair: dict[str, Any] | None
        if isinstance(self.last_layer_repair, LastLayerRepair):
            last_layer_repair = self.last_layer_repair.to_dict()
        else:
            last_layer_repair = self.last_layer_repair

        model = self.model.to_dict()

        model_test_acc: float | None
        model_test_acc = self.model_test_acc

        gain: float | None
        gain = self.gain

        validation = self.validation.to_dict()

        source_model_id = self.source_model_id

        output_model_id = self.output_model_id

        test_per_class: dict[str, Any] | None | Unset
        if isinstance(self.test_per_class, Unset):
            test_per_class = UNSET
        elif isinstance(self.test_per_class, GraftSummaryTestPerClassType0):
            test_per_class = self.test_per_class.to_dict()
        else:
            test_per_class = self.test_per_class


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "layer": layer,
            "head": head,
            "spec": spec,
            "val_acc": val_acc,
            "test_acc": test_acc,
            "chosen_by": chosen_by,
            "oracle": oracle,
            "last_layer_repair": last_layer_repair,
            "model": model,
            "model_test_acc": model_test_acc,
            "gain": gain,
            "validation": validation,
            "source_model_id": source_model_id,
            "output_model_id": output_model_id,
        })
        if test_per_class is not UNSET:
            field_dict["test_per_class"] = test_per_class

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.choice import Choice # noqa: PLC0415
        from ..models.data_summary import DataSummary # noqa: PLC0415
        from ..models.graft_summary_spec import GraftSummarySpec # noqa: PLC0415
        from ..models.graft_summary_test_per_class_type_0 import GraftSummaryTestPerClassType0 # noqa: PLC0415
        from ..models.last_layer_repair import LastLayerRepair # noqa: PLC0415
        from ..models.model_accuracy import ModelAccuracy # noqa: PLC0415
        from ..models.validation_info import ValidationInfo # noqa: PLC0415
        d = dict(src_dict)
        data = DataSummary.from_dict(d.pop("data"))




        layer = d.pop("layer")

        head = HeadName(d.pop("head"))




        spec = GraftSummarySpec.from_dict(d.pop("spec"))




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


        def _parse_last_layer_repair(data: object) -> LastLayerRepair | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_layer_repair_type_0 = LastLayerRepair.from_dict(data)



                return last_layer_repair_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastLayerRepair | None, data)

        last_layer_repair = _parse_last_layer_repair(d.pop("last_layer_repair"))


        model = ModelAccuracy.from_dict(d.pop("model"))




        def _parse_model_test_acc(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        model_test_acc = _parse_model_test_acc(d.pop("model_test_acc"))


        def _parse_gain(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        gain = _parse_gain(d.pop("gain"))


        validation = ValidationInfo.from_dict(d.pop("validation"))




        source_model_id = d.pop("source_model_id")

        output_model_id = d.pop("output_model_id")

        def _parse_test_per_class(data: object) -> GraftSummaryTestPerClassType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                test_per_class_type_0 = GraftSummaryTestPerClassType0.from_dict(data)



                return test_per_class_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GraftSummaryTestPerClassType0 | None | Unset, data)

        test_per_class = _parse_test_per_class(d.pop("test_per_class", UNSET))


        graft_summary = cls(
            data=data,
            layer=layer,
            head=head,
            spec=spec,
            val_acc=val_acc,
            test_acc=test_acc,
            chosen_by=chosen_by,
            oracle=oracle,
            last_layer_repair=last_layer_repair,
            model=model,
            model_test_acc=model_test_acc,
            gain=gain,
            validation=validation,
            source_model_id=source_model_id,
            output_model_id=output_model_id,
            test_per_class=test_per_class,
        )


        graft_summary.additional_properties = d
        return graft_summary

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
