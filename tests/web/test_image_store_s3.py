"""STORAGE_BACKEND=s3 against a real S3 API on loopback: moto's server, spoken to over HTTP by
boto3 exactly as production speaks to its bucket (signatures, headers, errors)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from io import BytesIO

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer

from campaign.db import database
from campaign.models import Role
from campaign.storage import ConfigError, S3Store, StoredObjectMissing, store_from_settings
from tests.factories import make_campaign, make_user
from tests.images import picture
from tests.web.helpers import AuthActions, text

BUCKET = "aesseuji-images"
MEDIA = re.compile(r'src="/media/([0-9a-f]{64}\.jpg)"')


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    # Credentials reach boto3 through its usual environment variables, as in production.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def app(make_app: Callable[..., Flask], s3: object, s3_endpoint: str) -> Flask:
    return make_app(
        STORAGE_BACKEND="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION="us-east-1",
        S3_PREFIX="images/",
    )


def test_a_cover_goes_to_the_bucket_and_is_served_from_it(app: Flask, s3) -> None:
    with database(app).transaction() as session:
        make_user(session, email="boss@example.com", role=Role.ADMIN)
        slug = make_campaign(session).slug
    client = app.test_client()
    AuthActions(client).login("boss@example.com")
    client.post(
        f"/admin/campaigns/{slug}/cover",
        data={"image": (BytesIO(picture(exif=True)), "p.jpg"), "alt": "숲"},
        content_type="multipart/form-data",
    )
    [key] = MEDIA.findall(text(client.get(f"/c/{slug}")))
    kept = s3.get_object(Bucket=BUCKET, Key=f"images/{key}")
    body = kept["Body"].read()
    assert kept["ContentType"] == "image/jpeg"
    assert kept["CacheControl"] == "public, max-age=31536000, immutable"
    assert b"SecretCam" not in body

    served = client.get(f"/media/{key}")
    assert served.status_code == 200 and served.data == body
    assert client.get(f"/media/{'0' * 64}.jpg").status_code == 404


def test_a_missing_object_is_told_apart_from_a_broken_store(s3, s3_endpoint: str) -> None:
    store = S3Store(BUCKET, "images/", s3_endpoint, "us-east-1")
    store.put("a" * 64 + ".png", b"x", "image/png")
    assert store.get("a" * 64 + ".png") == b"x"
    with pytest.raises(StoredObjectMissing):
        store.get("b" * 64 + ".png")


def test_s3_without_a_bucket_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="S3_BUCKET"):
        store_from_settings({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""})
    with pytest.raises(ConfigError, match="local or s3"):
        store_from_settings({"STORAGE_BACKEND": "ftp"})
