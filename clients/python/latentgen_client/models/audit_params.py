from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.clean_mode import CleanMode
from ..models.head_choice import HeadChoice
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.probe_options import ProbeOptions
  from ..models.validation_options import ValidationOptions





T = TypeVar("T", bound="AuditParams")



@_attrs_define
class AuditParams:
    """ 
        Attributes:
            layer (list[str] | str | Unset): "auto" (chosen on the validation split), a layer, or layers whose scores are
                averaged Default: 'auto'.
            probe (HeadChoice | Unset): `auto`: chosen on the validation split.
            layers (list[str] | None | Unset): candidates for layer "auto"; default: the hidden layers
            folds (int | Unset): cross-fitting folds: each example is scored by probes fitted without it Default: 5.
            seed (int | Unset): seed of the fold assignment Default: 0.
            validation (None | Unset | ValidationOptions): default: the split the model's train job held out on this data
                set, else fraction 0.1 with seed 0
            clean (CleanMode | None | Unset): the cleaned data set recorded as an output; null: none Default:
                CleanMode.RELABEL.
            probe_options (ProbeOptions | Unset): Per-probe options; an omitted option takes latentgen's default.
            batch_size (int | Unset):  Default: 256.
     """

    layer: list[str] | str | Unset = 'auto'
    probe: HeadChoice | Unset = UNSET
    layers: list[str] | None | Unset = UNSET
    folds: int | Unset = 5
    seed: int | Unset = 0
    validation: None | Unset | ValidationOptions = UNSET
    clean: CleanMode | None | Unset = CleanMode.RELABEL
    probe_options: ProbeOptions | Unset = UNSET
    batch_size: int | Unset = 256





    def to_dict(self) -> dict[str, Any]:
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
        layer: list[str] | str | Unset
        if isinstance(self.layer, Unset):
            layer = UNSET
        elif isinstance(self.layer, list):
            layer = self.layer


        else:
            layer = self.layer

        probe: str | Unset = UNSET
        if not isinstance(self.probe, Unset):
            probe = self.probe.value


        layers: list[str] | None | Unset
        if isinstance(self.layers, Unset):
            layers = UNSET
        elif isinstance(self.layers, list):
            layers = self.layers


        else:
            layers = self.layers

        folds = self.folds

        seed = self.seed

        validation: dict[str, Any] | None | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, ValidationOptions):
            validation = self.validation.to_dict()
        else:
            validation = self.validation

        clean: None | str | Unset
        if isinstance(self.clean, Unset):
            clean = UNSET
        elif isinstance(self.clean, CleanMode):
            clean = self.clean.value
        else:
            clean = self.clean

        probe_options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.probe_options, Unset):
            probe_options = self.probe_options.to_dict()

        batch_size = self.batch_size


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if layer is not UNSET:
            field_dict["layer"] = layer
        if probe is not UNSET:
            field_dict["probe"] = probe
        if layers is not UNSET:
            field_dict["layers"] = layers
        if folds is not UNSET:
            field_dict["folds"] = folds
        if seed is not UNSET:
            field_dict["seed"] = seed
        if validation is not UNSET:
            field_dict["validation"] = validation
        if clean is not UNSET:
            field_dict["clean"] = clean
        if probe_options is not UNSET:
            field_dict["probe_options"] = probe_options
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
        d = dict(src_dict)
        def _parse_layer(data: object) -> list[str] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                layer_type_1 = cast(list[str], data)

                return layer_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str | Unset, data)

        layer = _parse_layer(d.pop("layer", UNSET))


        _probe = d.pop("probe", UNSET)
        probe: HeadChoice | Unset
        if isinstance(_probe,  Unset):
            probe = UNSET
        else:
            probe = HeadChoice(_probe)




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


        folds = d.pop("folds", UNSET)

        seed = d.pop("seed", UNSET)

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


        def _parse_clean(data: object) -> CleanMode | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                clean_type_0 = CleanMode(data)



                return clean_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CleanMode | None | Unset, data)

        clean = _parse_clean(d.pop("clean", UNSET))


        _probe_options = d.pop("probe_options", UNSET)
        probe_options: ProbeOptions | Unset
        if isinstance(_probe_options,  Unset):
            probe_options = UNSET
        else:
            probe_options = ProbeOptions.from_dict(_probe_options)




        batch_size = d.pop("batch_size", UNSET)

        audit_params = cls(
            layer=layer,
            probe=probe,
            layers=layers,
            folds=folds,
            seed=seed,
            validation=validation,
            clean=clean,
            probe_options=probe_options,
            batch_size=batch_size,
        )

        return audit_params

