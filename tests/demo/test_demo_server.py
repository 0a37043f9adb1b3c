"""The demo's local AWS server: free port, additions installed, silent, and a clean stop."""

from __future__ import annotations

import logging
import os
import socket

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from tui.demo import moto_ext
from tui.demo.server import LocalAws


@pytest.fixture(scope="module", autouse=True)
def _restore_moto():
    """Leave moto as this module found it (the additions are process-wide)."""
    was_installed = moto_ext.is_installed()
    yield
    if not was_installed:
        moto_ext.uninstall()


@pytest.fixture(scope="module")
def aws():
    local = LocalAws().start()
    yield local
    local.stop()


def _bare_client(local: LocalAws, service: str):
    session = boto3.Session(**local.credentials)
    return session.client(service, region_name=local.region, endpoint_url=local.endpoint_url,
                          config=Config(retries={"max_attempts": 1}))


def test_starts_on_a_free_port_with_the_additions_installed(aws):
    assert aws.running and aws.port and aws.port != 0
    assert aws.endpoint_url == f"http://127.0.0.1:{aws.port}"
    assert aws.region == "us-east-1" and aws.account_id == moto_ext.DEFAULT_ACCOUNT_ID
    assert aws.start_seconds is not None and aws.start_seconds < 10
    assert moto_ext.is_installed()
    sm = aws.client("sagemaker")
    assert sm is aws.client("sagemaker") and sm is not aws.client("sagemaker", "eu-west-1")
    assert sm.list_inference_components(NameContains="no-such-component")["InferenceComponents"] == []
    ident = _bare_client(aws, "sts").get_caller_identity()
    assert ident["Account"] == moto_ext.DEFAULT_ACCOUNT_ID


def test_credentials_work_for_an_explicit_session_and_no_aws_env_is_set(aws):
    assert set(aws.credentials) == {"aws_access_key_id", "aws_secret_access_key"}
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    other = LocalAws().start()
    try:
        cw = _bare_client(other, "cloudwatch")
        cw.put_metric_data(Namespace="Demo/Env", MetricData=[{"MetricName": "M", "Value": 1.0}])
        assert cw.list_metrics(Namespace="Demo/Env")["Metrics"][0]["MetricName"] == "M"
    finally:
        other.stop()
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_nothing_is_written_to_the_terminal(aws, capfd, caplog):
    caplog.set_level(logging.DEBUG)  # any record reaching the root logger would show here
    sm = _bare_client(aws, "sagemaker")
    cw = aws.client("cloudwatch")
    capfd.readouterr()
    cw.put_metric_data(Namespace="Demo/Quiet", MetricData=[{"MetricName": "M", "Value": 1.0}])
    cw.list_metrics(Namespace="Demo/Quiet")
    with pytest.raises(ClientError):  # a 400
        sm.describe_endpoint(EndpointName="no-such-endpoint")
    with pytest.raises(ClientError) as e:  # an operation moto does not implement: a 500 and a traceback
        sm.list_workteams()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert [r for r in caplog.records if r.name.split(".")[0] in ("werkzeug", "moto", "flask")] == []


def test_stop_frees_the_port_and_is_idempotent():
    local = LocalAws().start()
    port = local.port
    local.client("sagemaker").list_endpoints()
    local.stop()
    assert not local.running
    local.stop()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))  # free again
    with pytest.raises(EndpointConnectionError):
        boto3.client("sagemaker", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                     aws_access_key_id="a", aws_secret_access_key="b",
                     config=Config(retries={"max_attempts": 1}, connect_timeout=1)).list_endpoints()
    with pytest.raises(RuntimeError):
        LocalAws().endpoint_url  # not started


def test_background_start_knows_its_url_at_once():
    local = LocalAws().start(background=True)
    try:
        url = local.endpoint_url  # known before the server is up
        assert local.wait_ready(timeout=30)
        assert local.endpoint_url == url and local.running
        local.warm_up(("sagemaker", "cloudwatch"))
        assert "Endpoints" in local.client("sagemaker").list_endpoints()
        with pytest.raises(RuntimeError):
            local.start()
    finally:
        local.stop()
    assert not local.running


def test_canary_server_internals_used():
    """What LocalAws relies on in moto and werkzeug: if these change, silencing may break."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        wsgi = server._server
        assert callable(getattr(wsgi, "handle_error", None))
        host, port = server.get_host_and_port()
        # werkzeug writes its access log through the "werkzeug" logger
        logger = logging.getLogger("werkzeug")
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append
        old_level, old_disabled = logger.level, logger.disabled
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.disabled = False
        try:
            boto3.client("sts", region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                         aws_access_key_id="a", aws_secret_access_key="b").get_caller_identity()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
            logger.disabled = old_disabled
        assert any("POST / HTTP/1.1" in r.getMessage() for r in records)
    finally:
        server.stop()
