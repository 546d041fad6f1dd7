from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.head_name import HeadName
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ArchSpec")



@_attrs_define
class ArchSpec:
    """ The architecture uploaded weights belong to.

        Attributes:
            name (str): "mlp", "cnn", "alexnet", "resnet18" or "torchvision:<builder>"
            input_shape (list[int]):
            num_classes (int):
            cut (None | str | Unset): a grafted network (graft jobs): the layer its trunk ends with
            head (HeadName | None | Unset): a grafted network's head
            components (list[int] | None | Unset): a masc head: the subspace dimension of each class
     """

    name: str
    input_shape: list[int]
    num_classes: int
    cut: None | str | Unset = UNSET
    head: HeadName | None | Unset = UNSET
    components: list[int] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        input_shape = self.input_shape



        num_classes = self.num_classes

        cut: None | str | Unset
        if isinstance(self.cut, Unset):
            cut = UNSET
        else:
            cut = self.cut

        head: None | str | Unset
        if isinstance(self.head, Unset):
            head = UNSET
        elif isinstance(self.head, HeadName):
            head = self.head.value
        else:
            head = self.head

        components: list[int] | None | Unset
        if isinstance(self.components, Unset):
            components = UNSET
        elif isinstance(self.components, list):
            components = self.components


        else:
            components = self.components


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "input_shape": input_shape,
            "num_classes": num_classes,
        })
        if cut is not UNSET:
            field_dict["cut"] = cut
        if head is not UNSET:
            field_dict["head"] = head
        if components is not UNSET:
            field_dict["components"] = components

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        input_shape = cast(list[int], d.pop("input_shape"))


        num_classes = d.pop("num_classes")

        def _parse_cut(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cut = _parse_cut(d.pop("cut", UNSET))


        def _parse_head(data: object) -> HeadName | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                head_type_0 = HeadName(data)



                return head_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HeadName | None | Unset, data)

        head = _parse_head(d.pop("head", UNSET))


        def _parse_components(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                components_type_0 = cast(list[int], data)

                return components_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        components = _parse_components(d.pop("components", UNSET))


        arch_spec = cls(
            name=name,
            input_shape=input_shape,
            num_classes=num_classes,
            cut=cut,
            head=head,
            components=components,
        )

        return arch_spec

