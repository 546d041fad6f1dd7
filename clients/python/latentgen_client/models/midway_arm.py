from enum import StrEnum

class MidwayArm(StrEnum):
    CONTROL = "control"
    PRE_EDIT = "pre_edit"
    REPAIRED = "repaired"

    def __str__(self) -> str:
        return str(self.value)
