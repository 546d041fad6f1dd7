from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.knn_options import KnnOptions
  from ..models.linear_options import LinearOptions
  from ..models.logistic_options import LogisticOptions
  from ..models.masc_options import MascOptions
  from ..models.no_options import NoOptions





T = TypeVar("T", bound="ProbeOptions")



@_attrs_define
class ProbeOptions:
    """ Per-probe options; an omitted option takes latentgen's default.

        Attributes:
            masc (MascOptions | None | Unset):
            linear (LinearOptions | None | Unset):
            logistic (LogisticOptions | None | Unset):
            knn (KnnOptions | None | Unset):
            lda (None | NoOptions | Unset):
            nearest_mean (None | NoOptions | Unset):
     """

    masc: MascOptions | None | Unset = UNSET
    linear: LinearOptions | None | Unset = UNSET
    logistic: LogisticOptions | None | Unset = UNSET
    knn: KnnOptions | None | Unset = UNSET
    lda: None | NoOptions | Unset = UNSET
    nearest_mean: None | NoOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.knn_options import KnnOptions # noqa: PLC0415
        from ..models.linear_options import LinearOptions # noqa: PLC0415
        from ..models.logistic_options import LogisticOptions # noqa: PLC0415
        from ..models.masc_options import MascOptions # noqa: PLC0415
        from ..models.no_options import NoOptions # noqa: PLC0415
        masc: dict[str, Any] | None | Unset
        if isinstance(self.masc, Unset):
            masc = UNSET
        elif isinstance(self.masc, MascOptions):
            masc = self.masc.to_dict()
        else:
            masc = self.masc

        linear: dict[str, Any] | None | Unset
        if isinstance(self.linear, Unset):
            linear = UNSET
        elif isinstance(self.linear, LinearOptions):
            linear = self.linear.to_dict()
        else:
            linear = self.linear

        logistic: dict[str, Any] | None | Unset
        if isinstance(self.logistic, Unset):
            logistic = UNSET
        elif isinstance(self.logistic, LogisticOptions):
            logistic = self.logistic.to_dict()
        else:
            logistic = self.logistic

        knn: dict[str, Any] | None | Unset
        if isinstance(self.knn, Unset):
            knn = UNSET
        elif isinstance(self.knn, KnnOptions):
            knn = self.knn.to_dict()
        else:
            knn = self.knn

        lda: dict[str, Any] | None | Unset
        if isinstance(self.lda, Unset):
            lda = UNSET
        elif isinstance(self.lda, NoOptions):
            lda = self.lda.to_dict()
        else:
            lda = self.lda

        nearest_mean: dict[str, Any] | None | Unset
        if isinstance(self.nearest_mean, Unset):
            nearest_mean = UNSET
        elif isinstance(self.nearest_mean, NoOptions):
            nearest_mean = self.nearest_mean.to_dict()
        else:
            nearest_mean = self.nearest_mean


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if masc is not UNSET:
            field_dict["masc"] = masc
        if linear is not UNSET:
            field_dict["linear"] = linear
        if logistic is not UNSET:
            field_dict["logistic"] = logistic
        if knn is not UNSET:
            field_dict["knn"] = knn
        if lda is not UNSET:
            field_dict["lda"] = lda
        if nearest_mean is not UNSET:
            field_dict["nearest_mean"] = nearest_mean

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.knn_options import KnnOptions # noqa: PLC0415
        from ..models.linear_options import LinearOptions # noqa: PLC0415
        from ..models.logistic_options import LogisticOptions # noqa: PLC0415
        from ..models.masc_options import MascOptions # noqa: PLC0415
        from ..models.no_options import NoOptions # noqa: PLC0415
        d = dict(src_dict)
        def _parse_masc(data: object) -> MascOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                masc_type_0 = MascOptions.from_dict(data)



                return masc_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MascOptions | None | Unset, data)

        masc = _parse_masc(d.pop("masc", UNSET))


        def _parse_linear(data: object) -> LinearOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                linear_type_0 = LinearOptions.from_dict(data)



                return linear_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LinearOptions | None | Unset, data)

        linear = _parse_linear(d.pop("linear", UNSET))


        def _parse_logistic(data: object) -> LogisticOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                logistic_type_0 = LogisticOptions.from_dict(data)



                return logistic_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LogisticOptions | None | Unset, data)

        logistic = _parse_logistic(d.pop("logistic", UNSET))


        def _parse_knn(data: object) -> KnnOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                knn_type_0 = KnnOptions.from_dict(data)



                return knn_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnnOptions | None | Unset, data)

        knn = _parse_knn(d.pop("knn", UNSET))


        def _parse_lda(data: object) -> None | NoOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lda_type_0 = NoOptions.from_dict(data)



                return lda_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NoOptions | Unset, data)

        lda = _parse_lda(d.pop("lda", UNSET))


        def _parse_nearest_mean(data: object) -> None | NoOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                nearest_mean_type_0 = NoOptions.from_dict(data)



                return nearest_mean_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NoOptions | Unset, data)

        nearest_mean = _parse_nearest_mean(d.pop("nearest_mean", UNSET))


        probe_options = cls(
            masc=masc,
            linear=linear,
            logistic=logistic,
            knn=knn,
            lda=lda,
            nearest_mean=nearest_mean,
        )

        return probe_options

