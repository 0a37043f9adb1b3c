"""The read-only guard: a botocore event hook that refuses any mutating operation.

It runs at ``before-parameter-build``, before a request is built, signed or sent, so a
refused call never reaches the network. Only operations whose names start with List,
Describe or Get, and the CloudWatch Logs read calls StartLiveTail and FilterLogEvents, pass;
and one credential call, STS AssumeRole, made only for a source account the config reaches
through a role (``accounts = [{ id = ..., role_arn = ... }]``, cross-account observability):
it changes nothing in any account, it returns temporary credentials to read that account with
(every call made with them passes this same guard).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError

READ_PREFIXES = ("List", "Describe", "Get")
READ_OPERATIONS = frozenset({"StartLiveTail", "FilterLogEvents"})
#: Credential calls that pass, each with the one service it may be called on.
CREDENTIAL_OPERATIONS = {"AssumeRole": "sts"}


class ReadOnlyViolation(BotoCoreError):
    """Raised before sending a request for an operation that could change the account."""

    fmt = "sagemon-tui is read-only: refused to call {service}.{operation}"


def is_read_only(operation: str, service: str | None = None) -> bool:
    """Whether ``operation`` passes the guard (a credential call only on its own service, when
    ``service`` is given)."""
    if operation in CREDENTIAL_OPERATIONS:
        return service is None or CREDENTIAL_OPERATIONS[operation] == service
    return operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS


def _refuse_writes(model=None, **_kwargs) -> None:
    if model is None:
        return
    if not is_read_only(model.name, model.service_model.service_name):
        raise ReadOnlyViolation(service=model.service_model.service_name, operation=model.name)


def install(events) -> None:
    """Register the guard on a botocore event emitter (a session's or a client's)."""
    events.register("before-parameter-build", _refuse_writes, unique_id="sagemon-read-only-guard")


# -- what the app may call -------------------------------------------------------------------------

#: Every IAM action the app needs, and nothing more: the operations its code calls (discovery,
#: GetMetricData, the per-screen reads, the log tail, instance facts, the caller's account), each
#: a read by :func:`is_read_only`. The README's least-privilege policy is :func:`iam_policy`, and
#: tests/aws/test_read_only_walk.py records every operation a walk through every screen sends and
#: checks it against this list both ways (nothing called outside it, nothing in it never called).
IAM_ACTIONS: tuple[str, ...] = (
    # discovery: one List per kind, Describe for what the listing lacks (cached when final)
    "sagemaker:ListEndpoints",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DescribeModel",
    "sagemaker:ListInferenceComponents",
    "sagemaker:DescribeInferenceComponent",
    "sagemaker:ListTrainingJobs",
    "sagemaker:DescribeTrainingJob",
    "sagemaker:ListProcessingJobs",
    "sagemaker:DescribeProcessingJob",
    "sagemaker:ListTransformJobs",
    "sagemaker:DescribeTransformJob",
    "sagemaker:ListPipelines",
    "sagemaker:ListPipelineExecutions",
    "sagemaker:ListPipelineExecutionSteps",
    "sagemaker:ListLabelingJobs",
    "sagemaker:ListFeatureGroups",
    "sagemaker:DescribeFeatureGroup",
    "sagemaker:ListInferenceRecommendationsJobs",
    "sagemaker:DescribeInferenceRecommendationsJob",
    # metrics and alarms
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "cloudwatch:DescribeAlarms",
    # the log tail of a job or host (every stream under a prefix); Live Tail when opted into
    "logs:FilterLogEvents",
    "logs:StartLiveTail",
    # vCPU and GPU counts per instance type (a shipped table is used where this is denied)
    "ec2:DescribeInstanceTypes",
    # the account shown in the status bar, and its alias when it has one
    "sts:GetCallerIdentity",
    "iam:ListAccountAliases",
    # cross-account observability: temporary credentials for a source account reached through a
    # role (``role_arn`` in the accounts setting); never called without one
    "sts:AssumeRole",
)

#: botocore's service names whose IAM prefix differs from the name (none of the app's do today;
#: CloudWatch signs as "monitoring" but its IAM prefix is "cloudwatch", the service name).
_IAM_PREFIXES: dict[str, str] = {}


def iam_action(service_name: str, operation_name: str) -> str:
    """The IAM action of one botocore operation: ``("cloudwatch", "GetMetricData")`` ->
    ``"cloudwatch:GetMetricData"`` (``service_name`` is ``client.meta.service_model.service_name``)."""
    return f"{_IAM_PREFIXES.get(service_name, service_name)}:{operation_name}"


def iam_policy() -> dict:
    """The least-privilege IAM policy document for the app (what the README shows)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "SagemonTuiReadOnly",
            "Effect": "Allow",
            "Action": sorted(IAM_ACTIONS),
            "Resource": "*",
        }],
    }
