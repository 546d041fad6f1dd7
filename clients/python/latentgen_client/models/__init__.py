""" Contains all the data models used in inputs/outputs """

from .arch_spec import ArchSpec
from .artifact_out import ArtifactOut
from .audit_job import AuditJob
from .audit_job_create import AuditJobCreate
from .audit_params import AuditParams
from .audit_result import AuditResult
from .audit_row import AuditRow
from .audit_summary import AuditSummary
from .bias_mode import BiasMode
from .checkpoint import Checkpoint
from .choice import Choice
from .choice_rule import ChoiceRule
from .class_map_preset import ClassMapPreset
from .class_metrics import ClassMetrics
from .clean_mode import CleanMode
from .cleaned_labels import CleanedLabels
from .corruption_labels import CorruptionLabels
from .corruption_spec import CorruptionSpec
from .data_source import DataSource
from .data_summary import DataSummary
from .dataset_info import DatasetInfo
from .dataset_out import DatasetOut
from .dataset_page import DatasetPage
from .dataset_spec import DatasetSpec
from .dataset_upload import DatasetUpload
from .detection import Detection
from .detection_summary import DetectionSummary
from .dynamics_job import DynamicsJob
from .dynamics_job_create import DynamicsJobCreate
from .dynamics_params import DynamicsParams
from .dynamics_result import DynamicsResult
from .dynamics_summary import DynamicsSummary
from .epoch_metrics import EpochMetrics
from .epoch_row import EpochRow
from .error_body import ErrorBody
from .error_response import ErrorResponse
from .field_error import FieldError
from .float_dtype import FloatDtype
from .graft_job import GraftJob
from .graft_job_create import GraftJobCreate
from .graft_params import GraftParams
from .graft_result import GraftResult
from .graft_summary import GraftSummary
from .graft_summary_spec import GraftSummarySpec
from .graft_summary_test_per_class_type_0 import GraftSummaryTestPerClassType0
from .head_choice import HeadChoice
from .head_name import HeadName
from .health import Health
from .health_checks import HealthChecks
from .health_status import HealthStatus
from .job_error import JobError
from .job_kind import JobKind
from .job_page import JobPage
from .job_status import JobStatus
from .knn_options import KnnOptions
from .label_change import LabelChange
from .label_noise import LabelNoise
from .last_layer_repair import LastLayerRepair
from .layer_out import LayerOut
from .linear_options import LinearOptions
from .loader_options import LoaderOptions
from .logistic_options import LogisticOptions
from .masc_options import MascOptions
from .midway_arm import MidwayArm
from .midway_final import MidwayFinal
from .midway_job import MidwayJob
from .midway_job_create import MidwayJobCreate
from .midway_params import MidwayParams
from .midway_result import MidwayResult
from .midway_row import MidwayRow
from .midway_summary import MidwaySummary
from .model_accuracy import ModelAccuracy
from .model_arch import ModelArch
from .model_out import ModelOut
from .model_out_format import ModelOutFormat
from .model_page import ModelPage
from .model_upload import ModelUpload
from .no_options import NoOptions
from .noise_kind import NoiseKind
from .noise_structure import NoiseStructure
from .noise_structure_measured_on import NoiseStructureMeasuredOn
from .peak import Peak
from .preprocessing import Preprocessing
from .preprocessing_spec import PreprocessingSpec
from .probe_job import ProbeJob
from .probe_job_create import ProbeJobCreate
from .probe_name import ProbeName
from .probe_options import ProbeOptions
from .probe_params import ProbeParams
from .probe_result import ProbeResult
from .probe_summary import ProbeSummary
from .progress import Progress
from .realised_noise import RealisedNoise
from .recipe_name import RecipeName
from .repair_job import RepairJob
from .repair_job_create import RepairJobCreate
from .repair_params import RepairParams
from .repair_report import RepairReport
from .repair_result import RepairResult
from .repair_summary import RepairSummary
from .repair_summary_test_per_class_type_0 import RepairSummaryTestPerClassType0
from .split_options import SplitOptions
from .tidy_row import TidyRow
from .train_arch import TrainArch
from .train_job import TrainJob
from .train_job_create import TrainJobCreate
from .train_params import TrainParams
from .train_result import TrainResult
from .train_summary import TrainSummary
from .train_summary_stopped_reason import TrainSummaryStoppedReason
from .trained_arch import TrainedArch
from .uploaded_labels import UploadedLabels
from .validation_info import ValidationInfo
from .validation_options import ValidationOptions
from .validation_source import ValidationSource
from .weight_key_mismatch import WeightKeyMismatch

__all__ = (
    "ArchSpec",
    "ArtifactOut",
    "AuditJob",
    "AuditJobCreate",
    "AuditParams",
    "AuditResult",
    "AuditRow",
    "AuditSummary",
    "BiasMode",
    "Checkpoint",
    "Choice",
    "ChoiceRule",
    "ClassMapPreset",
    "ClassMetrics",
    "CleanedLabels",
    "CleanMode",
    "CorruptionLabels",
    "CorruptionSpec",
    "DatasetInfo",
    "DatasetOut",
    "DatasetPage",
    "DatasetSpec",
    "DatasetUpload",
    "DataSource",
    "DataSummary",
    "Detection",
    "DetectionSummary",
    "DynamicsJob",
    "DynamicsJobCreate",
    "DynamicsParams",
    "DynamicsResult",
    "DynamicsSummary",
    "EpochMetrics",
    "EpochRow",
    "ErrorBody",
    "ErrorResponse",
    "FieldError",
    "FloatDtype",
    "GraftJob",
    "GraftJobCreate",
    "GraftParams",
    "GraftResult",
    "GraftSummary",
    "GraftSummarySpec",
    "GraftSummaryTestPerClassType0",
    "HeadChoice",
    "HeadName",
    "Health",
    "HealthChecks",
    "HealthStatus",
    "JobError",
    "JobKind",
    "JobPage",
    "JobStatus",
    "KnnOptions",
    "LabelChange",
    "LabelNoise",
    "LastLayerRepair",
    "LayerOut",
    "LinearOptions",
    "LoaderOptions",
    "LogisticOptions",
    "MascOptions",
    "MidwayArm",
    "MidwayFinal",
    "MidwayJob",
    "MidwayJobCreate",
    "MidwayParams",
    "MidwayResult",
    "MidwayRow",
    "MidwaySummary",
    "ModelAccuracy",
    "ModelArch",
    "ModelOut",
    "ModelOutFormat",
    "ModelPage",
    "ModelUpload",
    "NoiseKind",
    "NoiseStructure",
    "NoiseStructureMeasuredOn",
    "NoOptions",
    "Peak",
    "Preprocessing",
    "PreprocessingSpec",
    "ProbeJob",
    "ProbeJobCreate",
    "ProbeName",
    "ProbeOptions",
    "ProbeParams",
    "ProbeResult",
    "ProbeSummary",
    "Progress",
    "RealisedNoise",
    "RecipeName",
    "RepairJob",
    "RepairJobCreate",
    "RepairParams",
    "RepairReport",
    "RepairResult",
    "RepairSummary",
    "RepairSummaryTestPerClassType0",
    "SplitOptions",
    "TidyRow",
    "TrainArch",
    "TrainedArch",
    "TrainJob",
    "TrainJobCreate",
    "TrainParams",
    "TrainResult",
    "TrainSummary",
    "TrainSummaryStoppedReason",
    "UploadedLabels",
    "ValidationInfo",
    "ValidationOptions",
    "ValidationSource",
    "WeightKeyMismatch",
)
