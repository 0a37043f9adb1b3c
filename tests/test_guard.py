"""The read-only guard refuses mutating calls before anything is sent."""

from __future__ import annotations

import pytest

from tui.aws.guard import ReadOnlyViolation, is_read_only


def test_operation_names():
    for op in ("ListEndpoints", "DescribeTrainingJob", "GetMetricData", "StartLiveTail", "FilterLogEvents"):
        assert is_read_only(op)
    for op in ("CreateEndpoint", "DeleteEndpoint", "PutMetricData", "StopTrainingJob", "UpdateEndpoint",
               "PutMetricAlarm", "SetAlarmState", "TagResource", "StartPipelineExecution", "Listx"[:0] + "Put"):
        assert not is_read_only(op)


def test_mutating_calls_are_refused_before_sending(clients, writer, unique):
    sm = clients.sagemaker()
    sent = []
    sm.meta.events.register("before-send", lambda request, **kw: sent.append(request.url))
    with pytest.raises(ReadOnlyViolation, match="read-only: refused to call sagemaker.DeleteEndpoint"):
        sm.delete_endpoint(EndpointName=f"e-{unique}")
    cw = clients.cloudwatch()
    cw.meta.events.register("before-send", lambda request, **kw: sent.append(request.url))
    with pytest.raises(ReadOnlyViolation):
        cw.put_metric_data(Namespace=f"T/{unique}", MetricData=[{"MetricName": "x", "Value": 1.0}])
    with pytest.raises(ReadOnlyViolation):
        clients.logs().create_log_group(logGroupName=f"/g/{unique}")
    assert sent == []
    # The refused write really did not happen, and reads still work.
    assert writer("cloudwatch").list_metrics(Namespace=f"T/{unique}")["Metrics"] == []
    assert "Endpoints" in sm.list_endpoints()
