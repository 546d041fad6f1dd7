from enum import StrEnum

class ClassMapPreset(StrEnum):
    CIFAR10 = "cifar10"
    MNIST = "mnist"
    NEXT = "next"

    def __str__(self) -> str:
        return str(self.value)
