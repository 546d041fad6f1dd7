from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.bias_mode import BiasMode
from ..models.recipe_name import RecipeName
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.train_arch import TrainArch





T = TypeVar("T", bound="MidwayParams")



@_attrs_define
class MidwayParams:
    """ 
        Attributes:
            arch (TrainArch): Architecture for a training job; shape and class count default to the data set's.
            recipe (RecipeName | Unset): latentgen's training recipes; `paper` picks the paper's recipe for the
                architecture.
            seed (int | Unset):  Default: 0.
            edit_epoch (int | Unset):  Default: 40.
            total_epochs (int | Unset):  Default: 100.
            bias (BiasMode | Unset): What the repaired final layer keeps as its bias.
     """

    arch: TrainArch
    recipe: RecipeName | Unset = UNSET
    seed: int | Unset = 0
    edit_epoch: int | Unset = 40
    total_epochs: int | Unset = 100
    bias: BiasMode | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.train_arch import TrainArch # noqa: PLC0415
        arch = self.arch.to_dict()

        recipe: str | Unset = UNSET
        if not isinstance(self.recipe, Unset):
            recipe = self.recipe.value


        seed = self.seed

        edit_epoch = self.edit_epoch

        total_epochs = self.total_epochs

        bias: str | Unset = UNSET
        if not isinstance(self.bias, Unset):
            bias = self.bias.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "arch": arch,
        })
        if recipe is not UNSET:
            field_dict["recipe"] = recipe
        if seed is not UNSET:
            field_dict["seed"] = seed
        if edit_epoch is not UNSET:
            field_dict["edit_epoch"] = edit_epoch
        if total_epochs is not UNSET:
            field_dict["total_epochs"] = total_epochs
        if bias is not UNSET:
            field_dict["bias"] = bias

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.train_arch import TrainArch # noqa: PLC0415
        d = dict(src_dict)
        arch = TrainArch.from_dict(d.pop("arch"))




        _recipe = d.pop("recipe", UNSET)
        recipe: RecipeName | Unset
        if isinstance(_recipe,  Unset):
            recipe = UNSET
        else:
            recipe = RecipeName(_recipe)




        seed = d.pop("seed", UNSET)

        edit_epoch = d.pop("edit_epoch", UNSET)

        total_epochs = d.pop("total_epochs", UNSET)

        _bias = d.pop("bias", UNSET)
        bias: BiasMode | Unset
        if isinstance(_bias,  Unset):
            bias = UNSET
        else:
            bias = BiasMode(_bias)




        midway_params = cls(
            arch=arch,
            recipe=recipe,
            seed=seed,
            edit_epoch=edit_epoch,
            total_epochs=total_epochs,
            bias=bias,
        )

        return midway_params

