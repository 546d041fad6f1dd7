from enum import StrEnum

class ChoiceRule(StrEnum):
    NOISE_CEILING = "noise ceiling"
    VALIDATION_ACCURACY = "validation accuracy"

    def __str__(self) -> str:
        return str(self.value)
