from enum import StrEnum

class ValidationSource(StrEnum):
    CARVED = "carved"
    HELD_OUT_DATA = "held-out data"
    INDICES = "indices"

    def __str__(self) -> str:
        return str(self.value)
