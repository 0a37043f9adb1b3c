"""Closes moto 5.2's gaps so the local AWS of ``--demo`` answers like AWS does.

:func:`install` adds the missing operations and fixes to moto's own backend and response
classes (CloudWatch: :mod:`.cloudwatch`; SageMaker: :mod:`.sagemaker`, one module per API
family), so they are served over HTTP by moto's server like any other operation. It is idempotent; :func:`uninstall`
restores moto exactly and :func:`original` gives the behaviour an addition replaced.

The ``set_*`` functions change SageMaker state in-process (no HTTP); the demo's simulator
uses them to move jobs, executions, steps, labeling jobs and inference components along.
"""

from __future__ import annotations

import threading

from . import _patches
from ._patches import original, was_missing
from .cloudwatch.cross_account import link_accounts, unlink_accounts
from .sagemaker import ADDED_OPERATIONS
from .sagemaker.common import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from .sagemaker.endpoints import set_component_copies, set_endpoint_status, set_variant_instances
from .sagemaker.feature_store import set_feature_group_status
from .sagemaker.jobs import set_job_status
from .sagemaker.labeling import set_labeling_job
from .sagemaker.pipelines import set_execution_steps, set_pipeline_execution_status
from .sagemaker.recommender import set_recommendation_job_status

__all__ = [
    "ADDED_OPERATIONS", "DEFAULT_ACCOUNT_ID", "DEFAULT_REGION", "install", "uninstall", "is_installed",
    "link_accounts", "unlink_accounts",
    "original", "was_missing", "set_component_copies", "set_endpoint_status", "set_execution_steps",
    "set_feature_group_status", "set_job_status", "set_labeling_job", "set_pipeline_execution_status",
    "set_recommendation_job_status", "set_variant_instances",
]

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Apply every addition (once; later calls do nothing)."""
    global _installed
    with _lock:
        if _installed:
            return
        from . import cloudwatch, sagemaker

        cloudwatch.install()
        sagemaker.install()
        _installed = True


def uninstall() -> None:
    """Restore moto's classes as they were before :func:`install`."""
    global _installed
    with _lock:
        _patches.restore_all()
        _installed = False


def is_installed() -> bool:
    return _installed
