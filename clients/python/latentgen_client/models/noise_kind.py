from enum import StrEnum

class NoiseKind(StrEnum):
    PAIRFLIP = "pairflip"
    TRANSITION = "transition"
    UNIFORM = "uniform"

    def __str__(self) -> str:
        return str(self.value)
