from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.head_choice import HeadChoice
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.probe_options import ProbeOptions
  from ..models.validation_options import ValidationOptions





T = TypeVar("T", bound="GraftParams")



@_attrs_define
class GraftParams:
    """ 
        Attributes:
            layer (str | Unset): where to cut: "auto" (chosen on the validation split) or a layer Default: 'auto'.
            head (HeadChoice | Unset): `auto`: chosen on the validation split.
            layers (list[str] | None | Unset): candidates for layer "auto"; default: the hidden layers
            validation (None | Unset | ValidationOptions): default: the split the model's train job held out on this data
                set, else fraction 0.1 with seed 0
            probe_options (ProbeOptions | Unset): Per-probe options; an omitted option takes latentgen's default.
            batch_size (int | Unset):  Default: 256.
     """

    layer: str | Unset = 'auto'
    head: HeadChoice | Unset = UNSET
    layers: list[str] | None | Unset = UNSET
    validation: None | Unset | ValidationOptions = UNSET
    probe_options: ProbeOptions | Unset = UNSET
    batch_size: int | Unset = 256





    def to_dict(self) -> dict[str, Any]:
        from ..models.probe_options import ProbeOptions # noqa: PLC0415
        from ..models.validation_options import ValidationOptions # noqa: PLC0415
        layer = self.layer

        head: str | Unset = UNSET
        if not isinstance(self.head, Unset):
            head = self.head.value


        layers: list[str] | None | Unset
        if isinstance(self.layers, Unset):
            layers = UNSET
        elif isinstance(self.layers, list):
            layers = self.layers


        else:
            layers = self.layers

        validation: dict[str, Any] | None | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, ValidationOptions):
            validation = self.validation.to_dict()
        else:
            validation = self.validation

        probe_options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.probe_options, Unset):
            probe_options = self.probe_options.to_dict()

        batch_size = self.batch_size


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if layer is not UNSET:
            field_dict["layer"] = layer
        if head is not UNSET:
            field_dict["head"] = head
        if layers is not UNSET:
            field_dict["layers"] = layers
        if validation is not UNSET:
            field_dict["validation"] = validation
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
        layer = d.pop("layer", UNSET)

        _head = d.pop("head", UNSET)
        head: HeadChoice | Unset
        if isinstance(_head,  Unset):
            head = UNSET
        else:
            head = HeadChoice(_head)




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


        _probe_options = d.pop("probe_options", UNSET)
        probe_options: ProbeOptions | Unset
        if isinstance(_probe_options,  Unset):
            probe_options = UNSET
        else:
            probe_options = ProbeOptions.from_dict(_probe_options)




        batch_size = d.pop("batch_size", UNSET)

        graft_params = cls(
            layer=layer,
            head=head,
            layers=layers,
            validation=validation,
            probe_options=probe_options,
            batch_size=batch_size,
        )

        return graft_params

