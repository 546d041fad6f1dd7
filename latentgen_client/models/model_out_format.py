from enum import StrEnum

class ModelOutFormat(StrEnum):
    SAFETENSORS = "safetensors"
    TORCH = "torch"

    def __str__(self) -> str:
        return str(self.value)
