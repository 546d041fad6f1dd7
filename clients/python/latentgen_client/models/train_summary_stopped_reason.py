from enum import StrEnum

class TrainSummaryStoppedReason(StrEnum):
    MAX_EPOCHS = "max_epochs"
    TARGET = "target"

    def __str__(self) -> str:
        return str(self.value)
