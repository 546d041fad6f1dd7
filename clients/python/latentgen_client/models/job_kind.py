from enum import StrEnum

class JobKind(StrEnum):
    AUDIT = "audit"
    DYNAMICS = "dynamics"
    GRAFT = "graft"
    MIDWAY = "midway"
    PROBE = "probe"
    REPAIR = "repair"
    TRAIN = "train"

    def __str__(self) -> str:
        return str(self.value)
