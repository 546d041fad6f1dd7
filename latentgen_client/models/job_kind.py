from enum import StrEnum

class JobKind(StrEnum):
    DYNAMICS = "dynamics"
    MIDWAY = "midway"
    PROBE = "probe"
    REPAIR = "repair"
    TRAIN = "train"

    def __str__(self) -> str:
        return str(self.value)
