from enum import StrEnum

class CleanMode(StrEnum):
    FILTER = "filter"
    RELABEL = "relabel"

    def __str__(self) -> str:
        return str(self.value)
