from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.recipe_name import RecipeName
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.split_options import SplitOptions
  from ..models.train_arch import TrainArch





T = TypeVar("T", bound="TrainParams")



@_attrs_define
class TrainParams:
    """ 
        Attributes:
            arch (TrainArch): Architecture for a training job; shape and class count default to the data set's.
            recipe (RecipeName | Unset): latentgen's training recipes; `paper` picks the paper's recipe for the
                architecture.
            seed (int | Unset):  Default: 0.
            max_epochs (int | Unset):  Default: 50.
            target_train_acc (float | Unset):  Default: 1.0.
            checkpoint_epochs (list[int] | None | Unset):
            validation (SplitOptions | Unset): A seeded random `fraction` of the training examples, with their noisy labels
                (never the test set).
            hold_out (bool | Unset): false: train on every example, validation split included Default: True.
     """

    arch: TrainArch
    recipe: RecipeName | Unset = UNSET
    seed: int | Unset = 0
    max_epochs: int | Unset = 50
    target_train_acc: float | Unset = 1.0
    checkpoint_epochs: list[int] | None | Unset = UNSET
    validation: SplitOptions | Unset = UNSET
    hold_out: bool | Unset = True





    def to_dict(self) -> dict[str, Any]:
        from ..models.split_options import SplitOptions # noqa: PLC0415
        from ..models.train_arch import TrainArch # noqa: PLC0415
        arch = self.arch.to_dict()

        recipe: str | Unset = UNSET
        if not isinstance(self.recipe, Unset):
            recipe = self.recipe.value


        seed = self.seed

        max_epochs = self.max_epochs

        target_train_acc = self.target_train_acc

        checkpoint_epochs: list[int] | None | Unset
        if isinstance(self.checkpoint_epochs, Unset):
            checkpoint_epochs = UNSET
        elif isinstance(self.checkpoint_epochs, list):
            checkpoint_epochs = self.checkpoint_epochs


        else:
            checkpoint_epochs = self.checkpoint_epochs

        validation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.validation, Unset):
            validation = self.validation.to_dict()

        hold_out = self.hold_out


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "arch": arch,
        })
        if recipe is not UNSET:
            field_dict["recipe"] = recipe
        if seed is not UNSET:
            field_dict["seed"] = seed
        if max_epochs is not UNSET:
            field_dict["max_epochs"] = max_epochs
        if target_train_acc is not UNSET:
            field_dict["target_train_acc"] = target_train_acc
        if checkpoint_epochs is not UNSET:
            field_dict["checkpoint_epochs"] = checkpoint_epochs
        if validation is not UNSET:
            field_dict["validation"] = validation
        if hold_out is not UNSET:
            field_dict["hold_out"] = hold_out

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.split_options import SplitOptions # noqa: PLC0415
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

        max_epochs = d.pop("max_epochs", UNSET)

        target_train_acc = d.pop("target_train_acc", UNSET)

        def _parse_checkpoint_epochs(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                checkpoint_epochs_type_0 = cast(list[int], data)

                return checkpoint_epochs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        checkpoint_epochs = _parse_checkpoint_epochs(d.pop("checkpoint_epochs", UNSET))


        _validation = d.pop("validation", UNSET)
        validation: SplitOptions | Unset
        if isinstance(_validation,  Unset):
            validation = UNSET
        else:
            validation = SplitOptions.from_dict(_validation)




        hold_out = d.pop("hold_out", UNSET)

        train_params = cls(
            arch=arch,
            recipe=recipe,
            seed=seed,
            max_epochs=max_epochs,
            target_train_acc=target_train_acc,
            checkpoint_epochs=checkpoint_epochs,
            validation=validation,
            hold_out=hold_out,
        )

        return train_params

