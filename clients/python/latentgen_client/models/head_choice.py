from enum import StrEnum

class HeadChoice(StrEnum):
    AUTO = "auto"
    LINEAR = "linear"
    MASC = "masc"

    def __str__(self) -> str:
        return str(self.value)
