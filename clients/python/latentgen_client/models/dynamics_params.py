from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.probe_name import ProbeName
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.checkpoint import Checkpoint
  from ..models.probe_options import ProbeOptions
  from ..models.validation_options import ValidationOptions





T = TypeVar("T", bound="DynamicsParams")



@_attrs_define
class DynamicsParams:
    """ 
        Attributes:
            checkpoints (list[Checkpoint] | None | Unset): the user's own checkpoints (uploaded models of one architecture,
                each with its epoch), instead of a train_job_id; needs dataset_id
            layers (list[str] | None | Unset):
            probes (list[ProbeName] | Unset):
            probe_options (ProbeOptions | Unset): Per-probe options; an omitted option takes latentgen's default.
            epochs (list[int] | None | Unset): default: every checkpoint
            validation (None | Unset | ValidationOptions): where peak epochs are chosen; default: the split the train job
                held out, else fraction 0.1 with seed 0
     """

    checkpoints: list[Checkpoint] | None | Unset = UNSET
    layers: list[str] | None | Unset = UNSET
    probes: list[ProbeName] | Unset = UNSET
    probe_options: ProbeOptions | Unset = UNSET
    epochs: list[int] | None | Unset = UNSET
    validation: None | Unset | ValidationOptions = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.checkpoint import Checkpoint # noqa: PLC0415
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
        checkpoints: list[dict[str, Any]] | None | Unset
        if isinstance(self.checkpoints, Unset):
            checkpoints = UNSET
        elif isinstance(self.checkpoints, list):
            checkpoints = []
            for checkpoints_type_0_item_data in self.checkpoints:
                checkpoints_type_0_item = checkpoints_type_0_item_data.to_dict()
                checkpoints.append(checkpoints_type_0_item)


        else:
            checkpoints = self.checkpoints

        layers: list[str] | None | Unset
        if isinstance(self.layers, Unset):
            layers = UNSET
        elif isinstance(self.layers, list):
            layers = self.layers


        else:
            layers = self.layers

        probes: list[str] | Unset = UNSET
        if not isinstance(self.probes, Unset):
            probes = []
            for probes_item_data in self.probes:
                probes_item = probes_item_data.value
                probes.append(probes_item)



        probe_options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.probe_options, Unset):
            probe_options = self.probe_options.to_dict()

        epochs: list[int] | None | Unset
        if isinstance(self.epochs, Unset):
            epochs = UNSET
        elif isinstance(self.epochs, list):
            epochs = self.epochs


        else:
            epochs = self.epochs

        validation: dict[str, Any] | None | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, ValidationOptions):
            validation = self.validation.to_dict()
        else:
            validation = self.validation


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if checkpoints is not UNSET:
            field_dict["checkpoints"] = checkpoints
        if layers is not UNSET:
            field_dict["layers"] = layers
        if probes is not UNSET:
            field_dict["probes"] = probes
        if probe_options is not UNSET:
            field_dict["probe_options"] = probe_options
        if epochs is not UNSET:
            field_dict["epochs"] = epochs
        if validation is not UNSET:
            field_dict["validation"] = validation

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checkpoint import Checkpoint # noqa: PLC0415
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
        d = dict(src_dict)
        def _parse_checkpoints(data: object) -> list[Checkpoint] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                checkpoints_type_0 = []
                _checkpoints_type_0 = data
                for checkpoints_type_0_item_data in (_checkpoints_type_0):
                    checkpoints_type_0_item = Checkpoint.from_dict(checkpoints_type_0_item_data)



                    checkpoints_type_0.append(checkpoints_type_0_item)

                return checkpoints_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Checkpoint] | None | Unset, data)

        checkpoints = _parse_checkpoints(d.pop("checkpoints", UNSET))


        def _parse_layers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                layers_type_0 = cast(list[str], data)

                return layers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        layers = _parse_layers(d.pop("layers", UNSET))


        _probes = d.pop("probes", UNSET)
        probes: list[ProbeName] | Unset = UNSET
        if _probes is not UNSET:
            probes = []
            for probes_item_data in _probes:
                probes_item = ProbeName(probes_item_data)



                probes.append(probes_item)


        _probe_options = d.pop("probe_options", UNSET)
        probe_options: ProbeOptions | Unset
        if isinstance(_probe_options,  Unset):
            probe_options = UNSET
        else:
            probe_options = ProbeOptions.from_dict(_probe_options)




        def _parse_epochs(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                epochs_type_0 = cast(list[int], data)

                return epochs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        epochs = _parse_epochs(d.pop("epochs", UNSET))


        def _parse_validation(data: object) -> None | Unset | ValidationOptions:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                validation_type_0 = ValidationOptions.from_dict(data)



                return validation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | ValidationOptions, data)

        validation = _parse_validation(d.pop("validation", UNSET))


        dynamics_params = cls(
            checkpoints=checkpoints,
            layers=layers,
            probes=probes,
            probe_options=probe_options,
            epochs=epochs,
            validation=validation,
        )

        return dynamics_params

