from enum import StrEnum

class HeadName(StrEnum):
    LINEAR = "linear"
    MASC = "masc"

    def __str__(self) -> str:
        return str(self.value)
