"""Where uploaded images' bytes live: a folder (development, one machine) or an S3-compatible
bucket (production, many app nodes), chosen by STORAGE_BACKEND.

Objects are named by their content (``<sha256>.<ext>``, rules/images.py), so a name never
changes meaning: writing the same bytes twice is harmless, a half-finished request leaves at
worst an unreferenced object, and the pages can tell browsers and CDNs to keep a copy forever.
The database holds which image belongs to what (models/images.py); the store holds bytes only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 25_000_000
DEFAULT_MAX_EDGE = 1600


class ConfigError(RuntimeError):
    """STORAGE_BACKEND names no backend, or the S3 backend lacks its bucket."""


class StoredObjectMissing(LookupError):
    """The store has no object by that name."""


class ImageStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...


def settings(env: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    """The STORAGE_*, S3_* and IMAGE_* settings from the environment (see README, "Settings")."""
    return {
        "STORAGE_BACKEND": (env.get("STORAGE_BACKEND") or "local").strip().lower(),
        "STORAGE_DIR": env.get("STORAGE_DIR") or str(instance_path / "media"),
        "S3_BUCKET": env.get("S3_BUCKET", ""),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "S3_REGION": env.get("S3_REGION", ""),
        "S3_PREFIX": env.get("S3_PREFIX", "images/"),
        "IMAGE_MAX_BYTES": int(env.get("IMAGE_MAX_BYTES") or DEFAULT_MAX_BYTES),
        "IMAGE_MAX_PIXELS": int(env.get("IMAGE_MAX_PIXELS") or DEFAULT_MAX_PIXELS),
        "IMAGE_MAX_EDGE": int(env.get("IMAGE_MAX_EDGE") or DEFAULT_MAX_EDGE),
    }


@dataclass
class LocalStore:
    """One file per object in a folder; written to a temporary name and renamed into place, so
    a reader never sees half a file."""

    root: Path

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoredObjectMissing(key) from None


class S3Store:
    """An S3-compatible bucket through boto3 (AWS S3, MinIO, Cloudflare R2, NCloud Object
    Storage...). Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, a profile, or the instance's role), never from our settings."""

    def __init__(self, bucket: str, prefix: str, endpoint_url: str, region: str) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=Config(
                connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}
            ),
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
        )

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey:
            raise StoredObjectMissing(key) from None
        return answer["Body"].read()


def store_from_settings(config: Mapping[str, Any]) -> ImageStore:
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStore(Path(config["STORAGE_DIR"]))
    if backend == "s3":
        if not config["S3_BUCKET"]:
            raise ConfigError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        return S3Store(
            config["S3_BUCKET"],
            config["S3_PREFIX"],
            config["S3_ENDPOINT_URL"],
            config["S3_REGION"],
        )
    raise ConfigError(f"STORAGE_BACKEND must be local or s3, not {backend!r}")
