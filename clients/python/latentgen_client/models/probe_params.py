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
  from ..models.probe_options import ProbeOptions
  from ..models.validation_options import ValidationOptions





T = TypeVar("T", bound="ProbeParams")



@_attrs_define
class ProbeParams:
    """ 
        Attributes:
            layers (list[str] | None | Unset): dotted layer names; default: the model's hidden layers
            probes (list[ProbeName] | Unset):
            probe_options (ProbeOptions | Unset): Per-probe options; an omitted option takes latentgen's default.
            batch_size (int | Unset):  Default: 256.
            validation (None | Unset | ValidationOptions): where the best layer is chosen; default: the split the model's
                train job held out on this data set, else fraction 0.1 with seed 0
     """

    layers: list[str] | None | Unset = UNSET
    probes: list[ProbeName] | Unset = UNSET
    probe_options: ProbeOptions | Unset = UNSET
    batch_size: int | Unset = 256
    validation: None | Unset | ValidationOptions = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
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

        batch_size = self.batch_size

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
        if layers is not UNSET:
            field_dict["layers"] = layers
        if probes is not UNSET:
            field_dict["probes"] = probes
        if probe_options is not UNSET:
            field_dict["probe_options"] = probe_options
        if batch_size is not UNSET:
            field_dict["batch_size"] = batch_size
        if validation is not UNSET:
            field_dict["validation"] = validation

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
        d = dict(src_dict)
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




        batch_size = d.pop("batch_size", UNSET)

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


        probe_params = cls(
            layers=layers,
            probes=probes,
            probe_options=probe_options,
            batch_size=batch_size,
            validation=validation,
        )

        return probe_params

