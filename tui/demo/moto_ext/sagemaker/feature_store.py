"""SageMaker Feature Store feature groups for the local AWS.

CreateFeatureGroup works without an OfflineStoreConfig; DescribeFeatureGroup returns
OnlineStoreConfig/Description/status and a ResourceNotFound for an unknown name;
ListFeatureGroups (moto 5.2 has none) filters, sorts and pages; :func:`set_feature_group_status`
changes a group's status in-process.
"""

from __future__ import annotations

from .. import _patches
from .common import (DEFAULT_ACCOUNT_ID, DEFAULT_REGION, action_result, backend_for, drop_none, utc_epoch_seconds,
                     list_page, lock, moto_utcnow, sagemaker_exceptions)


# -- feature groups ------------------------------------------------------------------------
def feature_group_init(self, *args, **kwargs) -> None:
    from moto.sagemaker.models import FeatureGroup

    original = _patches.original(FeatureGroup, "__init__")
    names = ("region_name", "account_id", "feature_group_name", "record_identifier_feature_name",
             "event_time_feature_name", "feature_definitions", "offline_store_config", "role_arn", "tags")
    bound = dict(zip(names, args))
    bound.update(kwargs)
    if bound.get("offline_store_config"):
        original(self, **bound)
    else:
        bound["offline_store_config"] = {"S3StorageConfig": {"S3Uri": "s3://placeholder"}}
        original(self, **bound)
        self.offline_store_config = None
    self.feature_group_status = "Created"
    self.online_store_config = None
    self.description = None
    self.throughput_config = None
    self.last_modified_time = self.creation_time


def feature_group_describe(self) -> dict:
    from moto.sagemaker.models import FeatureGroup

    out = _patches.original(FeatureGroup, "describe")(self)
    out["FeatureGroupStatus"] = self.__dict__.get("feature_group_status", "Created")
    if out.get("OfflineStoreConfig"):
        out["OfflineStoreStatus"] = {"Status": "Active"}
    else:
        out.pop("OfflineStoreConfig", None)
    for key, attr in (("OnlineStoreConfig", "online_store_config"), ("Description", "description"),
                      ("ThroughputConfig", "throughput_config"), ("LastModifiedTime", "last_modified_time")):
        value = self.__dict__.get(attr)
        if value is not None:
            out[key] = value
    return out


def backend_describe_feature_group(self, feature_group_name: str) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend

    try:
        return _patches.original(SageMakerModelBackend, "describe_feature_group")(self, feature_group_name)
    except KeyError:
        raise sagemaker_exceptions().ResourceNotFound(
            message=f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name "
                    f"{feature_group_name}") from None


def response_create_feature_group(self):
    from moto.sagemaker.responses import SageMakerResponse

    result = _patches.original(SageMakerResponse, "create_feature_group")(self)
    fg = _find_feature_group(self.sagemaker_backend, self._get_param("FeatureGroupName"))
    if fg is not None:
        fg.online_store_config = self._get_param("OnlineStoreConfig")
        fg.description = self._get_param("Description")
        throughput = self._get_param("ThroughputConfig")
        if throughput:
            fg.throughput_config = throughput
    return result


def _find_feature_group(backend, name: str):
    for fg in backend.feature_groups.values():
        if fg.feature_group_name == name:
            return fg
    return None


def backend_list_feature_groups(self, params: dict) -> tuple[list[dict], str | None]:
    def status(fg):
        return fg.__dict__.get("feature_group_status", "Created")

    def offline(fg):
        return "Active" if fg.offline_store_config else None

    with lock:
        items = list(self.feature_groups.values())
    if params.get("FeatureGroupStatusEquals"):
        items = [x for x in items if status(x) == params["FeatureGroupStatusEquals"]]
    if params.get("OfflineStoreStatusEquals"):
        items = [x for x in items if offline(x) == params["OfflineStoreStatusEquals"]]
    page, token = list_page(items, params=params, name_of=lambda x: x.feature_group_name, sort_keys={
        "Name": lambda x: x.feature_group_name, "FeatureGroupStatus": status,
        "OfflineStoreStatus": lambda x: offline(x) or "", "CreationTime": lambda x: utc_epoch_seconds(x.creation_time)})
    return [drop_none({
        "FeatureGroupName": x.feature_group_name,
        "FeatureGroupArn": x.arn,
        "CreationTime": x.creation_time,
        "FeatureGroupStatus": status(x),
        "OfflineStoreStatus": {"Status": offline(x)} if offline(x) else None,
    }) for x in page], token


def response_list_feature_groups(self):
    items, token = self.sagemaker_backend.list_feature_groups(self._get_params())
    return action_result({"FeatureGroupSummaries": items, "NextToken": token})


# -- control functions (in-process) ----------------------------------------------------
def set_feature_group_status(name: str, status: str, *, region: str = DEFAULT_REGION,
                             account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    statuses = ("Creating", "Created", "CreateFailed", "Deleting", "DeleteFailed")
    if status not in statuses:
        raise ValueError(f"status must be one of {statuses}, not {status!r}")
    with lock:
        fg = _find_feature_group(backend_for(region, account_id), name)
        if fg is None:
            raise KeyError(f"no feature group named {name!r}")
        fg.feature_group_status = status
        fg.last_modified_time = moto_utcnow()
