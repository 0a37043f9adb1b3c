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


def test_start_live_tail_is_the_one_start_operation_that_passes(clients):
    """StartLiveTail (a read: a stream of log events) passes the guard; every other Start*, and
    every write of CloudWatch Logs, is still refused before it is sent."""
    from botocore.stub import Stubber

    logs = clients.logs()
    ops = logs.meta.service_model.operation_names
    passing = sorted(op for op in ops if is_read_only(op) and not op.startswith(("List", "Describe", "Get")))
    assert passing == ["FilterLogEvents", "StartLiveTail"]
    assert not any(is_read_only(op) for op in ops if op.startswith(("Start", "Stop", "Put", "Delete", "Create")) and
                   op != "StartLiveTail")
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs"
    with Stubber(logs) as stub:  # answers instead of the network; the guard runs before it
        stub.add_client_error("start_live_tail", "AccessDeniedException", "denied", 400,
                              expected_params={"logGroupIdentifiers": [arn]})
        with pytest.raises(logs.exceptions.AccessDeniedException):
            logs.start_live_tail(logGroupIdentifiers=[arn])
        stub.assert_no_pending_responses()
    sent = []
    logs.meta.events.register("before-send", lambda request, **kw: sent.append(request.url))
    with pytest.raises(ReadOnlyViolation, match="logs.StartQuery"):
        logs.start_query(logGroupName="/g", startTime=0, endTime=1, queryString="fields @message")
    with pytest.raises(ReadOnlyViolation, match="logs.PutLogEvents"):
        logs.put_log_events(logGroupName="/g", logStreamName="s", logEvents=[{"timestamp": 0, "message": "x"}])
    assert sent == []
