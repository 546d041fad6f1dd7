from enum import StrEnum

class RecipeName(StrEnum):
    ADAM_FAST = "adam_fast"
    ALEXNET = "alexnet"
    CNN = "cnn"
    CNN_CIFAR10 = "cnn_cifar10"
    MLP = "mlp"
    PAPER = "paper"
    RESNET18 = "resnet18"

    def __str__(self) -> str:
        return str(self.value)
