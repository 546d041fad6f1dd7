from enum import StrEnum

class ProbeName(StrEnum):
    KNN = "knn"
    LDA = "lda"
    LINEAR = "linear"
    LOGISTIC = "logistic"
    MASC = "masc"
    NEAREST_MEAN = "nearest_mean"

    def __str__(self) -> str:
        return str(self.value)
