"""Object storage: the local directory store and the S3 store against moto's server."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from service.storage import BlobNotFound, LocalStorage, S3Storage, UploadTooLarge, stage_stream


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "objects")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(bucket=f"store-{os.urandom(4).hex()}", endpoint_url=endpoint, access_key_id="test",
                     secret_access_key="test", create_bucket=True)


def test_stage_hashes_while_streaming(tmp_path):
    data = os.urandom(3 * (1 << 20) + 17)  # several chunks
    st = stage_stream(io.BytesIO(data), tmp_path / "staging")
    assert st.sha256 == hashlib.sha256(data).hexdigest()
    assert st.size == len(data)
    assert st.path.read_bytes() == data
    st.discard()
    assert list((tmp_path / "staging").iterdir()) == []


def test_stage_over_limit_leaves_nothing(tmp_path):
    with pytest.raises(UploadTooLarge):
        stage_stream(io.BytesIO(b"x" * 5000), tmp_path / "staging", max_bytes=4096)
    assert list((tmp_path / "staging").iterdir()) == []


def test_roundtrip_dedup_delete(store, tmp_path):
    data = os.urandom(2 * (1 << 20) + 5)
    sha = hashlib.sha256(data).hexdigest()
    st = stage_stream(io.BytesIO(data), tmp_path / "staging")
    assert not store.exists(sha)
    assert store.put(st) is True
    assert store.exists(sha)
    assert store.put(st) is False  # content-addressed: the same bytes are stored once
    assert b"".join(store.iter_bytes(sha)) == data
    dest = store.download_to(sha, tmp_path / "out" / "blob")
    assert dest.read_bytes() == data
    store.check()
    store.delete(sha)
    assert not store.exists(sha)
    with pytest.raises(BlobNotFound):
        store.iter_bytes(sha)
    with pytest.raises(BlobNotFound):
        store.download_to(sha, tmp_path / "gone")


def test_keys_must_be_sha256(store):
    with pytest.raises(ValueError):
        store.exists("../../etc/passwd")


def test_local_store_writes_atomically(tmp_path):
    store = LocalStorage(tmp_path / "objects")
    st = stage_stream(io.BytesIO(b"hello"), tmp_path / "staging")
    store.put(st)
    final = tmp_path / "objects" / "sha256" / st.sha256[:2] / st.sha256
    assert final.read_bytes() == b"hello"
    assert list((tmp_path / "objects" / "tmp").iterdir()) == []  # no temporary file left behind


def test_s3_check_fails_for_missing_bucket(s3_endpoint):
    store = S3Storage(bucket="no-such-bucket-here", endpoint_url=s3_endpoint, access_key_id="test",
                      secret_access_key="test")
    with pytest.raises(Exception):
        store.check()
