from enum import StrEnum

class ModelOutFormat(StrEnum):
    ONNX = "onnx"
    SAFETENSORS = "safetensors"
    TORCH = "torch"

    def __str__(self) -> str:
        return str(self.value)
