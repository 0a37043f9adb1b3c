"""SageMaker endpoints for the local AWS: inference components, endpoint configs as AWS
keeps them, and the endpoint, variant and component state the demo drives.

* Create/Describe/List/DeleteInferenceComponent (moto 5.2 has none); a new component is
  ``InService`` with its copy count;
* endpoint configs accept production variants without ``ModelName`` (inference-component
  style), every well-formed ``ml.*`` instance type, and keep ``ExecutionRoleArn``,
  ``MetricsConfig``, ``VpcConfig``, ``EnableNetworkIsolation`` for DescribeEndpointConfig;
* :func:`set_component_copies`, :func:`set_endpoint_status`, :func:`set_variant_instances`
  change state in-process (moto's endpoints are always InService).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .. import _patches
from .common import (DEFAULT_ACCOUNT_ID, DEFAULT_REGION, arn_of, backend_for, drop_none, utc_epoch_seconds,
                     ext_state, list_page, lock, moto_utcnow, action_result, sagemaker_exceptions)

#: Instance types of the form ml.<family>.<size>; moto's own list stops at ml.g4dn/ml.p3.
INSTANCE_TYPE = re.compile(
    r"^ml\.[a-z][a-z0-9-]*\.(?:nano|micro|small|medium|large|xlarge|\d+xlarge|metal(?:-\d+xl)?)$")


# -- inference components ------------------------------------------------------------------
IC_STATUSES = ("InService", "Creating", "Updating", "Failed", "Deleting")


class FakeInferenceComponent:
    def __init__(self, *, name: str, arn: str, endpoint_name: str, endpoint_arn: str, variant_name: str,
                 specification: dict, runtime_config: dict, tags: list | None) -> None:
        self.name = name
        self.arn = arn
        self.endpoint_name = endpoint_name
        self.endpoint_arn = endpoint_arn
        self.variant_name = variant_name
        self.specification = copy.deepcopy(specification or {})
        copies = int((runtime_config or {}).get("CopyCount", 1))
        self.desired_copies = copies
        self.current_copies = copies
        self.status = "InService"
        self.failure_reason: str | None = None
        self.tags = tags or []
        self.creation_time = self.last_modified_time = moto_utcnow()

    def _spec_summary(self) -> dict:
        spec = {k: v for k, v in self.specification.items() if k != "Container"}
        container = self.specification.get("Container")
        if container:
            image = container.get("Image")
            spec["Container"] = drop_none({
                "DeployedImage": {"SpecifiedImage": image, "ResolvedImage": image,
                                  "ResolutionTime": self.creation_time} if image else None,
                "ArtifactUrl": container.get("ArtifactUrl"),
                "Environment": container.get("Environment"),
            })
        return spec

    def summary(self) -> dict:
        return {
            "CreationTime": self.creation_time,
            "InferenceComponentArn": self.arn,
            "InferenceComponentName": self.name,
            "EndpointArn": self.endpoint_arn,
            "EndpointName": self.endpoint_name,
            "VariantName": self.variant_name,
            "InferenceComponentStatus": self.status,
            "LastModifiedTime": self.last_modified_time,
        }

    def describe(self) -> dict:
        return drop_none({
            "InferenceComponentName": self.name,
            "InferenceComponentArn": self.arn,
            "EndpointName": self.endpoint_name,
            "EndpointArn": self.endpoint_arn,
            "VariantName": self.variant_name,
            "FailureReason": self.failure_reason,
            "Specification": self._spec_summary(),
            "RuntimeConfig": {"DesiredCopyCount": self.desired_copies, "CurrentCopyCount": self.current_copies},
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "InferenceComponentStatus": self.status,
        })


def _ic_arn(self, name: str) -> str:
    return arn_of("inference-component", name, self.account_id, self.region_name)


def backend_create_inference_component(self, inference_component_name: str, endpoint_name: str,
                                       variant_name: str | None, specification: dict | None,
                                       runtime_config: dict | None, tags: list | None) -> FakeInferenceComponent:
    exc = sagemaker_exceptions()
    st = ext_state(self)
    arn = _ic_arn(self, inference_component_name)
    with lock:
        if inference_component_name in st.inference_components:
            raise exc.ValidationError(message=f"Cannot create already existing inference component \"{arn}\".")
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            ep_arn = arn_of("endpoint", endpoint_name, self.account_id, self.region_name)
            raise exc.ValidationError(message=f"Could not find endpoint '{ep_arn}'.")
        variants = [v.get("VariantName") for v in endpoint.production_variants]
        if variant_name is None:
            variant_name = variants[0] if variants else "AllTraffic"
        elif variant_name not in variants:
            raise exc.ValidationError(
                message=f"Could not find variant '{variant_name}' in endpoint '{endpoint.arn}'.")
        model_name = (specification or {}).get("ModelName")
        if model_name and model_name not in self._models:
            m_arn = arn_of("model", model_name, self.account_id, self.region_name)
            raise exc.ValidationError(message=f"Could not find model '{m_arn}'.")
        ic = FakeInferenceComponent(name=inference_component_name, arn=arn, endpoint_name=endpoint_name,
                                endpoint_arn=endpoint.arn, variant_name=variant_name,
                                specification=specification or {}, runtime_config=runtime_config or {},
                                tags=tags)
        st.inference_components[inference_component_name] = ic
    return ic


def _get_ic(backend, name: str) -> FakeInferenceComponent:
    ic = ext_state(backend).inference_components.get(name)
    if ic is None:
        raise sagemaker_exceptions().ValidationError(message=f"Could not find inference component '{_ic_arn(backend, name)}'.")
    return ic


def backend_describe_inference_component(self, inference_component_name: str) -> dict:
    with lock:
        return _get_ic(self, inference_component_name).describe()


def backend_list_inference_components(self, params: dict) -> tuple[list[dict], str | None]:
    with lock:
        items = list(ext_state(self).inference_components.values())
        for param, attr in (("EndpointNameEquals", "endpoint_name"), ("VariantNameEquals", "variant_name"),
                            ("StatusEquals", "status")):
            if params.get(param):
                items = [x for x in items if getattr(x, attr) == params[param]]
        page, token = list_page(items, params=params, default_order="Descending", sort_keys={
            "Name": lambda x: x.name, "CreationTime": lambda x: utc_epoch_seconds(x.creation_time),
            "Status": lambda x: x.status})
        return [x.summary() for x in page], token


def backend_delete_inference_component(self, inference_component_name: str) -> None:
    with lock:
        _get_ic(self, inference_component_name)
        del ext_state(self).inference_components[inference_component_name]


def response_create_inference_component(self):
    ic = self.sagemaker_backend.create_inference_component(
        inference_component_name=self._get_param("InferenceComponentName"),
        endpoint_name=self._get_param("EndpointName"),
        variant_name=self._get_param("VariantName"),
        specification=self._get_param("Specification"),
        runtime_config=self._get_param("RuntimeConfig"),
        tags=self._get_param("Tags"),
    )
    return action_result({"InferenceComponentArn": ic.arn})


def response_describe_inference_component(self):
    return action_result(self.sagemaker_backend.describe_inference_component(self._get_param("InferenceComponentName")))


def response_list_inference_components(self):
    items, token = self.sagemaker_backend.list_inference_components(self._get_params())
    return action_result({"InferenceComponents": items, "NextToken": token})


def response_delete_inference_component(self):
    from moto.core.responses import EmptyResult

    self.sagemaker_backend.delete_inference_component(self._get_param("InferenceComponentName"))
    return EmptyResult()


# -- endpoint configs ----------------------------------------------------------------------
#: CreateEndpointConfig parameters moto drops, kept on the config as DescribeEndpointConfig shows them.
ENDPOINT_CONFIG_EXTRAS = {
    "ExecutionRoleArn": "execution_role_arn",
    "MetricsConfig": "metrics_config",
    "VpcConfig": "vpc_config",
    "EnableNetworkIsolation": "enable_network_isolation",
    "ExplainerConfig": "explainer_config",
    "ShadowProductionVariants": "shadow_production_variants",
}


def endpoint_config_validate_instance_type(self, instance_type: str) -> None:
    from moto.sagemaker.models import FakeEndpointConfig

    if isinstance(instance_type, str) and INSTANCE_TYPE.match(instance_type):
        return None
    return _patches.original(FakeEndpointConfig, "validate_instance_type")(self, instance_type)


def backend_validate_production_variants(self, production_variants: list[dict[str, Any]]) -> None:
    from moto.sagemaker.models import SageMakerModelBackend

    with_model = [v for v in production_variants or [] if v.get("ModelName")]
    return _patches.original(SageMakerModelBackend, "validate_production_variants")(self, with_model)


def response_create_endpoint_config(self):
    from moto.sagemaker.responses import SageMakerResponse

    result = _patches.original(SageMakerResponse, "create_endpoint_config")(self)
    config = self.sagemaker_backend.endpoint_configs.get(self._get_param("EndpointConfigName"))
    if config is not None:
        for param, attr in ENDPOINT_CONFIG_EXTRAS.items():
            value = self._get_param(param)
            if value is not None:
                setattr(config, attr, value)
    return result


# -- control functions (in-process) ----------------------------------------------------
def set_component_copies(name: str, current: int | None = None, desired: int | None = None, *,
                         status: str | None = None, failure_reason: str | None = None,
                         region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set an inference component's CurrentCopyCount / DesiredCopyCount / status."""
    if status is not None and status not in IC_STATUSES:
        raise ValueError(f"status must be one of {IC_STATUSES}, not {status!r}")
    with lock:
        ic = _get_ic(backend_for(region, account_id), name)
        if current is not None:
            ic.current_copies = int(current)
        if desired is not None:
            ic.desired_copies = int(desired)
        if status is not None:
            ic.status = status
        if failure_reason is not None:
            ic.failure_reason = failure_reason
        ic.last_modified_time = moto_utcnow()


def set_endpoint_status(name: str, status: str, *, failure_reason: str | None = None,
                        region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set an endpoint's EndpointStatus (moto's endpoints are always InService)."""
    statuses = ("OutOfService", "Creating", "Updating", "SystemUpdating", "RollingBack", "InService",
                "Deleting", "Failed", "UpdateRollbackFailed")
    if status not in statuses:
        raise ValueError(f"status must be one of {statuses}, not {status!r}")
    with lock:
        endpoint = backend_for(region, account_id).endpoints[name]
        endpoint.endpoint_status = status
        endpoint.failure_reason = failure_reason
        endpoint.last_modified_time = moto_utcnow()


def set_variant_instances(endpoint_name: str, variant_name: str, current: int, desired: int | None = None, *,
                          region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set a production variant's CurrentInstanceCount (and DesiredInstanceCount)."""
    with lock:
        endpoint = backend_for(region, account_id).endpoints[endpoint_name]
        for v in endpoint.production_variants:
            if v.get("VariantName") == variant_name:
                v["CurrentInstanceCount"] = int(current)
                v["DesiredInstanceCount"] = int(current if desired is None else desired)
                endpoint.last_modified_time = moto_utcnow()
                return
        raise KeyError(f"endpoint {endpoint_name!r} has no variant {variant_name!r}")
