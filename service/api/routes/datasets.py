from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from latentgen.sources import source_facts

from ... import crud
from ...core.config import Settings
from ...errors import ApiError
from ...inspect_uploads import inspect_labels, inspect_npz, train_labels_of
from ...models import Dataset
from ...openapi import errors
from ...schemas import CorruptionSpec, DatasetOut, DatasetPage, DatasetSpec, DatasetUpload
from ...storage import Staged, stage_stream
from ..deps import DbDep, OwnerDep, SettingsDep, StagingDep, StorageDep, require_multipart

router = APIRouter(prefix="/datasets", tags=["datasets"])

# the loader options each named source takes (latentgen.data.load_source)
SOURCE_OPTIONS = {"imagefolder": {"image_size"}, "digits": {"test_size", "seed"}}


def resolve_root(settings: Settings, root: str) -> str:
    """A dataset root is a path under the workers' data directory; anything outside is refused.

    Returns the path relative to the data directory (what the worker resolves again)."""
    base = Path(os.path.abspath(settings.data_dir))
    raw = Path(root)
    candidate = raw if raw.is_absolute() else base / raw
    resolved = Path(os.path.realpath(candidate))
    base_real = Path(os.path.realpath(base))
    if resolved != base_real and base_real not in resolved.parents:
        raise ApiError(422, "invalid_root", f"root must lie under the data directory {base}", "spec.root")
    return str(resolved.relative_to(base_real)) if resolved != base_real else "."


def stated_preprocessing(ds: DatasetSpec, info: dict) -> dict:
    """The preprocessing the data set's jobs apply: the spec's, checked against the inputs' channels,
    or the default for the inputs' type; recorded with its description."""
    from latentgen.inputs import PAPER_PREPROCESSING, DataError, Preprocessing, default_preprocessing, nchw_shape

    dtype = info.get("input_dtype")
    if ds.preprocessing is None:
        chosen = default_preprocessing(dtype) if ds.source == "npz" else PAPER_PREPROCESSING
    else:
        try:
            chosen = Preprocessing(tuple(ds.preprocessing.mean), tuple(ds.preprocessing.std))
            if "sample_shape" in info:
                chosen.check_channels(nchw_shape((1, *info["sample_shape"]))[1])
        except DataError as e:
            raise ApiError(422, "invalid_preprocessing", str(e), "spec.preprocessing") from e
    return {**chosen.to_dict(), "stated": ds.preprocessing is not None, "description": chosen.describe(dtype)}


def corruption_record(spec: CorruptionSpec, info: dict, npz: Path | None) -> dict:
    """The corruption as recorded: the noise model (checked against the data set's classes when they are
    known), in words, its expected rate and, for an uploaded npz, what it draws on its labels."""
    from latentgen.corruption import NoiseModel, NoiseSpecError, realised_noise

    k = info.get("num_classes")
    try:
        model = NoiseModel.from_dict(spec.model_dump(mode="json", exclude={"seed"}))
        if k is not None:
            model.check_classes(k)
    except NoiseSpecError as e:
        raise ApiError(422, "invalid_labels", str(e), f"spec.labels.{e.field}") from e
    record = {"kind": "corruption", **model.to_dict(), "seed": spec.seed, "description": model.describe()}
    if k is not None:
        record["expected_rate"] = model.expected_rate(k)
    if npz is not None:
        record["realised"] = realised_noise(model.corrupt(train_labels_of(npz), k, spec.seed), k)
    return record


@router.post(
    "",
    operation_id="createDataset",
    status_code=201,
    response_model=DatasetOut,
    dependencies=[Depends(require_multipart)],
    responses={201: {"description": "the data set was registered", "links": {
                   "getDataset": {"operationId": "getDataset", "parameters": {"dataset_id": "$response.body#/id"}}}},
               **errors(400, 401, 408, 413, 415, 422, 507)},
    summary="Register a data set (uploaded npz or a named source) and the labels the model was trained on",
)
def create_dataset(
    owner: OwnerDep,
    db: DbDep,
    settings: SettingsDep,
    storage: StorageDep,
    staging: StagingDep,
    form: Annotated[DatasetUpload, Form(media_type="multipart/form-data")],
) -> Dataset:
    ds, file, train_labels = form.spec, form.file, form.train_labels
    if ds.labels is None and train_labels is None:
        raise ApiError(422, "missing_labels",
                       "give the training labels: spec.labels {\"p\": .., \"seed\": ..} or a train_labels file",
                       "spec.labels")
    if ds.labels is not None and train_labels is not None:
        raise ApiError(422, "ambiguous_labels", "give spec.labels or train_labels, not both", "train_labels")
    options = ds.options.model_dump(exclude_none=True) if ds.options else {}
    allowed = SOURCE_OPTIONS.get(ds.source.value, set())
    if set(options) - allowed:
        raise ApiError(422, "invalid_options",
                       f"source {ds.source.value} takes the options {sorted(allowed) or 'none'}; "
                       f"not {sorted(set(options) - allowed)}", "spec.options")
    root = None
    if ds.source == "npz":
        if file is None:
            raise ApiError(422, "missing_file", "source npz needs an uploaded file", "file")
        if ds.root is not None:
            raise ApiError(422, "invalid_root", "root is for named sources, not npz uploads", "spec.root")
    else:
        if file is not None:
            raise ApiError(422, "unexpected_file", f"source {ds.source.value} is read by the workers; upload nothing or use source npz", "file")
        if ds.root is None and ds.source != "digits":
            raise ApiError(422, "missing_root", f"source {ds.source.value} needs a root under the data directory", "spec.root")
        if ds.root is not None:
            root = resolve_root(settings, ds.root)

    staged: list[Staged] = []
    try:
        # what is known of a named source before a worker loads it: checked against models and labels
        info: dict = {**source_facts(ds.source.value, options), **({"options": options} if options else {})}
        data_st = lab_st = None
        if file is not None:
            data_st = stage_stream(file.file, staging, settings.max_upload_bytes)
            staged.append(data_st)
            info = inspect_npz(data_st.path, "file")
        info["preprocessing"] = stated_preprocessing(ds, info)
        if train_labels is not None:
            lab_st = stage_stream(train_labels.file, staging, settings.max_upload_bytes)
            staged.append(lab_st)
            inspect_labels(lab_st.path, info.get("n_train"), info.get("num_classes"), "train_labels")
        if ds.labels is not None:
            labels = corruption_record(ds.labels, info, data_st.path if data_st else None)
        else:
            assert lab_st is not None
            labels = {"kind": "uploaded", "sha256": lab_st.sha256}

        created = [s.sha256 for s in staged if storage.put(s)]
        row = Dataset(owner_id=owner.id, name=ds.name, source=ds.source.value, root=root,
                      sha256=data_st.sha256 if data_st else None, size_bytes=data_st.size if data_st else None,
                      labels=labels, labels_sha256=lab_st.sha256 if lab_st else None, info=info)
        db.add(row)
        try:
            db.commit()
        except BaseException:
            db.rollback()
            for sha in created:
                if not crud.blob_referenced(db, sha):
                    storage.delete(sha)
            raise
        return row
    finally:
        for s in staged:
            s.discard()


@router.get("", operation_id="listDatasets", response_model=DatasetPage, responses=errors(401, 422))
def list_datasets(
    owner: OwnerDep,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> DatasetPage:
    items, total = crud.page(db, Dataset, owner.id, limit, offset)
    return DatasetPage(items=[DatasetOut.model_validate(d) for d in items], total=total, limit=limit, offset=offset)


@router.get("/{dataset_id}", operation_id="getDataset", response_model=DatasetOut, responses=errors(401, 404))
def get_dataset(dataset_id: str, owner: OwnerDep, db: DbDep) -> Dataset:
    return crud.get_owned(db, Dataset, dataset_id, owner.id, "dataset")
