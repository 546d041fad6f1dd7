from enum import StrEnum

class BiasMode(StrEnum):
    KEEP = "keep"
    ZERO = "zero"

    def __str__(self) -> str:
        return str(self.value)
