from enum import StrEnum

class DataSource(StrEnum):
    CIFAR10 = "cifar10"
    CIFAR100 = "cifar100"
    DIGITS = "digits"
    FASHION_MNIST = "fashion_mnist"
    IMAGEFOLDER = "imagefolder"
    MNIST = "mnist"
    NPZ = "npz"

    def __str__(self) -> str:
        return str(self.value)
