from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_status import JobStatus
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.field_error import FieldError
  from ..models.weight_key_mismatch import WeightKeyMismatch





T = TypeVar("T", bound="ErrorBody")



@_attrs_define
class ErrorBody:
    """ `code` is stable and machine-readable; `field` names the offending input (dotted path).

        Attributes:
            code (str):
            message (str):
            field (None | str | Unset):
            errors (list[FieldError] | None | Unset): every validation failure (validation_error)
            unknown (list[str] | None | Unset): names that do not exist (unknown_layers)
            limit (int | None | Unset): the size limit in bytes (payload_too_large)
            model_id (None | str | Unset): the existing model (conflict on createModel)
            job_status (JobStatus | None | Unset): the job's status (not_ready, conflict)
            missing (list[str] | None | Unset): state-dict keys missing (weights_mismatch)
            unexpected (list[str] | None | Unset): state-dict keys not expected (weights_mismatch)
            mismatched (list[WeightKeyMismatch] | None | Unset): mis-shaped keys (weights_mismatch)
     """

    code: str
    message: str
    field: None | str | Unset = UNSET
    errors: list[FieldError] | None | Unset = UNSET
    unknown: list[str] | None | Unset = UNSET
    limit: int | None | Unset = UNSET
    model_id: None | str | Unset = UNSET
    job_status: JobStatus | None | Unset = UNSET
    missing: list[str] | None | Unset = UNSET
    unexpected: list[str] | None | Unset = UNSET
    mismatched: list[WeightKeyMismatch] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.field_error import FieldError # noqa: PLC0415
        from ..models.weight_key_mismatch import WeightKeyMismatch # noqa: PLC0415
        code = self.code

        message = self.message

        field: None | str | Unset
        if isinstance(self.field, Unset):
            field = UNSET
        else:
            field = self.field

        errors: list[dict[str, Any]] | None | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = []
            for errors_type_0_item_data in self.errors:
                errors_type_0_item = errors_type_0_item_data.to_dict()
                errors.append(errors_type_0_item)


        else:
            errors = self.errors

        unknown: list[str] | None | Unset
        if isinstance(self.unknown, Unset):
            unknown = UNSET
        elif isinstance(self.unknown, list):
            unknown = self.unknown


        else:
            unknown = self.unknown

        limit: int | None | Unset
        if isinstance(self.limit, Unset):
            limit = UNSET
        else:
            limit = self.limit

        model_id: None | str | Unset
        if isinstance(self.model_id, Unset):
            model_id = UNSET
        else:
            model_id = self.model_id

        job_status: None | str | Unset
        if isinstance(self.job_status, Unset):
            job_status = UNSET
        elif isinstance(self.job_status, JobStatus):
            job_status = self.job_status.value
        else:
            job_status = self.job_status

        missing: list[str] | None | Unset
        if isinstance(self.missing, Unset):
            missing = UNSET
        elif isinstance(self.missing, list):
            missing = self.missing


        else:
            missing = self.missing

        unexpected: list[str] | None | Unset
        if isinstance(self.unexpected, Unset):
            unexpected = UNSET
        elif isinstance(self.unexpected, list):
            unexpected = self.unexpected


        else:
            unexpected = self.unexpected

        mismatched: list[dict[str, Any]] | None | Unset
        if isinstance(self.mismatched, Unset):
            mismatched = UNSET
        elif isinstance(self.mismatched, list):
            mismatched = []
            for mismatched_type_0_item_data in self.mismatched:
                mismatched_type_0_item = mismatched_type_0_item_data.to_dict()
                mismatched.append(mismatched_type_0_item)


        else:
            mismatched = self.mismatched


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "message": message,
        })
        if field is not UNSET:
            field_dict["field"] = field
        if errors is not UNSET:
            field_dict["errors"] = errors
        if unknown is not UNSET:
            field_dict["unknown"] = unknown
        if limit is not UNSET:
            field_dict["limit"] = limit
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if job_status is not UNSET:
            field_dict["job_status"] = job_status
        if missing is not UNSET:
            field_dict["missing"] = missing
        if unexpected is not UNSET:
            field_dict["unexpected"] = unexpected
        if mismatched is not UNSET:
            field_dict["mismatched"] = mismatched

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError # noqa: PLC0415
        from ..models.weight_key_mismatch import WeightKeyMismatch # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        def _parse_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        field = _parse_field(d.pop("field", UNSET))


        def _parse_errors(data: object) -> list[FieldError] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = []
                _errors_type_0 = data
                for errors_type_0_item_data in (_errors_type_0):
                    errors_type_0_item = FieldError.from_dict(errors_type_0_item_data)



                    errors_type_0.append(errors_type_0_item)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[FieldError] | None | Unset, data)

        errors = _parse_errors(d.pop("errors", UNSET))


        def _parse_unknown(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                unknown_type_0 = cast(list[str], data)

                return unknown_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        unknown = _parse_unknown(d.pop("unknown", UNSET))


        def _parse_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        limit = _parse_limit(d.pop("limit", UNSET))


        def _parse_model_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model_id = _parse_model_id(d.pop("model_id", UNSET))


        def _parse_job_status(data: object) -> JobStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                job_status_type_0 = JobStatus(data)



                return job_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobStatus | None | Unset, data)

        job_status = _parse_job_status(d.pop("job_status", UNSET))


        def _parse_missing(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                missing_type_0 = cast(list[str], data)

                return missing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        missing = _parse_missing(d.pop("missing", UNSET))


        def _parse_unexpected(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                unexpected_type_0 = cast(list[str], data)

                return unexpected_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        unexpected = _parse_unexpected(d.pop("unexpected", UNSET))


        def _parse_mismatched(data: object) -> list[WeightKeyMismatch] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                mismatched_type_0 = []
                _mismatched_type_0 = data
                for mismatched_type_0_item_data in (_mismatched_type_0):
                    mismatched_type_0_item = WeightKeyMismatch.from_dict(mismatched_type_0_item_data)



                    mismatched_type_0.append(mismatched_type_0_item)

                return mismatched_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[WeightKeyMismatch] | None | Unset, data)

        mismatched = _parse_mismatched(d.pop("mismatched", UNSET))


        error_body = cls(
            code=code,
            message=message,
            field=field,
            errors=errors,
            unknown=unknown,
            limit=limit,
            model_id=model_id,
            job_status=job_status,
            missing=missing,
            unexpected=unexpected,
            mismatched=mismatched,
        )


        error_body.additional_properties = d
        return error_body

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
