"""Instance type facts: the shipped table, EC2's DescribeInstanceTypes (on a moto server and
stubbed), and the catalog's caching and fallback when AWS is denied or unreachable."""

from __future__ import annotations

import threading
import time

import pytest
from botocore.stub import Stubber

from tests.conftest import CREDENTIALS, REGION
from tui.aws.guard import ReadOnlyViolation, is_read_only
from tui.aws.instance_types import InstanceTypeCatalog, describe_instance_types, facts_from_ec2
from tui.aws.session import AwsClients, AwsSettings
from tui.model.instances import FALLBACK, GIB, InstanceFacts, ec2_type, fallback_facts, ml_type

# ---------------------------------------------------------------------------------------------
# pure
# ---------------------------------------------------------------------------------------------


def test_ec2_type():
    assert ec2_type("ml.p4d.24xlarge") == "p4d.24xlarge"
    assert ec2_type("ml.g5.12xlarge") == "g5.12xlarge"
    assert ec2_type("p4d.24xlarge") == "p4d.24xlarge"
    assert ec2_type("mlx.large") == "mlx.large"
    assert ml_type("g5.xlarge") == ml_type("ml.g5.xlarge") == "ml.g5.xlarge"


# type: (vCPUs, memory GiB, GPUs, GPU model, GPU MiB each)
EXACT = {
    "ml.p4d.24xlarge": (96, 1152, 8, "NVIDIA A100", 40 * GIB),
    "ml.p4de.24xlarge": (96, 1152, 8, "NVIDIA A100", 80 * GIB),
    "ml.g5.12xlarge": (48, 192, 4, "NVIDIA A10G", 22_888),
    "ml.g5.xlarge": (4, 16, 1, "NVIDIA A10G", 22_888),
    "ml.g4dn.xlarge": (4, 16, 1, "NVIDIA T4", 16 * GIB),
    "ml.g4dn.12xlarge": (48, 192, 4, "NVIDIA T4", 16 * GIB),
    "ml.p5.48xlarge": (192, 2048, 8, "NVIDIA H100", 80 * GIB),
    "ml.p5e.48xlarge": (192, 2048, 8, "NVIDIA H200", 141 * GIB),
    "ml.p5en.48xlarge": (192, 2048, 8, "NVIDIA H200", 141 * GIB),
    "ml.g6.48xlarge": (192, 768, 8, "NVIDIA L4", 22_888),
    "ml.g6e.xlarge": (4, 32, 1, "NVIDIA L40S", 45_776),
    "ml.p3.2xlarge": (8, 61, 1, "NVIDIA V100", 16 * GIB),
    "ml.p3.8xlarge": (32, 244, 4, "NVIDIA V100", 16 * GIB),
    "ml.p3.16xlarge": (64, 488, 8, "NVIDIA V100", 16 * GIB),
    "ml.p3dn.24xlarge": (96, 768, 8, "NVIDIA V100", 32 * GIB),
    "ml.m5.xlarge": (4, 16, 0, None, 0),
    "ml.m5.24xlarge": (96, 384, 0, None, 0),
    "ml.c5.9xlarge": (36, 72, 0, None, 0),
    "ml.c7i.48xlarge": (192, 384, 0, None, 0),
    "ml.r6i.32xlarge": (128, 1024, 0, None, 0),
    "ml.t3.medium": (2, 4, 0, None, 0),
    "ml.m6g.medium": (1, 4, 0, None, 0),
}


@pytest.mark.parametrize("name", sorted(EXACT))
def test_fallback_exact_numbers(name):
    vcpus, gib, gpus, model, gpu_mib = EXACT[name]
    f = fallback_facts(name)
    assert f == InstanceFacts(name, vcpus, gib * GIB, gpus, model, gpu_mib, "table")
    assert fallback_facts(ec2_type(name)) == f


def test_fallback_neuron_and_unknown():
    inf2 = fallback_facts("ml.inf2.48xlarge")
    assert (inf2.vcpus, inf2.memory_mib, inf2.gpus) == (192, 768 * GIB, 0)
    assert (inf2.accelerators, inf2.accelerator_model, inf2.accelerator_memory_mib) == (12, "AWS Inferentia2", 32 * GIB)
    trn1 = fallback_facts("ml.trn1.32xlarge")
    assert (trn1.vcpus, trn1.memory_mib, trn1.gpus, trn1.accelerators) == (128, 512 * GIB, 0, 16)
    assert trn1.accelerator_label == "16 × AWS Trainium 32 GiB" and trn1.gpu_label == ""
    assert fallback_facts("ml.zz9.huge") is None
    assert fallback_facts("") is None


def test_gpu_label():
    assert FALLBACK["ml.p4d.24xlarge"].gpu_label == "8 × NVIDIA A100 40 GiB"
    assert FALLBACK["ml.p4de.24xlarge"].gpu_label == "8 × NVIDIA A100 80 GiB"
    assert FALLBACK["ml.g4dn.xlarge"].gpu_label == "1 × NVIDIA T4 16 GiB"
    assert FALLBACK["ml.g5.12xlarge"].gpu_label == "4 × NVIDIA A10G 22 GiB"  # 22,888 MiB usable
    assert FALLBACK["ml.p5e.48xlarge"].gpu_label == "8 × NVIDIA H200 141 GiB"
    assert FALLBACK["ml.m5.xlarge"].gpu_label == ""
    assert InstanceFacts("x", 1, 1, gpus=2).gpu_label == "2 × GPU"
    assert InstanceFacts("x", 1, 1, gpus=1, gpu_model="NVIDIA M60", gpu_memory_mib=8 * GIB).gpu_label == "1 × NVIDIA M60 8 GiB"
    assert InstanceFacts("x", 1, 1, gpus=1, gpu_model="AMD Radeon Pro V520", gpu_memory_mib=3584).gpu_label == (
        "1 × AMD Radeon Pro V520 3.5 GiB")


FAMILIES = ["t3", "m5", "m6i", "m7i", "c5", "c6i", "c7i", "r5", "r6i", "g4dn", "g5", "g6", "g6e", "p3",
            "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "inf2", "trn1"]


def test_every_fallback_entry_is_sane():
    assert {k.split(".")[1] for k in FALLBACK} >= set(FAMILIES)
    for key, f in FALLBACK.items():
        assert key.startswith("ml.") and key == f.instance_type and key.count(".") == 2, key
        assert f.vcpus > 0 and f.memory_mib > 0 and f.gpus >= 0, key
        assert (f.gpu_memory_mib > 0) == (f.gpus > 0) == bool(f.gpu_model), key
        assert (f.accelerator_memory_mib > 0) == (f.accelerators > 0) == bool(f.accelerator_model), key
        assert not (f.gpus and f.accelerators), key
        assert f.source == "table", key
        family = key.split(".")[1]
        assert (f.gpus > 0) == (family[0] in "gp"), key  # every g*/p* type has GPUs, no other does


def test_facts_from_ec2_maps_every_field():
    info = {
        "InstanceType": "x9.big", "VCpuInfo": {"DefaultVCpus": 12}, "MemoryInfo": {"SizeInMiB": 4096},
        "GpuInfo": {"Gpus": [{"Count": 2, "Manufacturer": "NVIDIA", "Name": "A100", "MemoryInfo": {"SizeInMiB": 40960}},
                             {"Count": 1, "Manufacturer": "NVIDIA", "Name": "T4", "MemoryInfo": {"SizeInMiB": 16384}}]},
    }
    f = facts_from_ec2("ml.x9.big", info)
    assert f == InstanceFacts("ml.x9.big", 12, 4096, 3, "NVIDIA A100 + NVIDIA T4", 40960, "aws")
    neuron = facts_from_ec2("ml.inf2.xlarge", {
        "VCpuInfo": {"DefaultVCpus": 4}, "MemoryInfo": {"SizeInMiB": 16384},
        "NeuronInfo": {"NeuronDevices": [{"Count": 1, "Name": "Inferentia2", "MemoryInfo": {"SizeInMiB": 32768}}]},
        "InferenceAcceleratorInfo": {"Accelerators": [{"Count": 1, "Manufacturer": "AWS", "Name": "Inferentia2"}]},
    })
    assert (neuron.gpus, neuron.accelerators, neuron.accelerator_model, neuron.accelerator_memory_mib) == (
        0, 1, "AWS Inferentia2", 32768)
    bare = facts_from_ec2("ml.m9.large", {})
    assert bare == InstanceFacts("ml.m9.large", 0, 0, source="aws")


# ---------------------------------------------------------------------------------------------
# a real moto server
# ---------------------------------------------------------------------------------------------


def _count_calls(client) -> list[dict]:
    """The parameters of every DescribeInstanceTypes call ``client`` makes (recorded before the
    request is built, so calls a Stubber answers count too)."""
    calls: list[dict] = []
    client.meta.events.register("before-parameter-build.ec2.DescribeInstanceTypes",
                                lambda params, **kw: calls.append(dict(params)))
    return calls


def test_moto_answers_like_ec2(clients):
    got = describe_instance_types(clients.client("ec2"), ["ml.p4d.24xlarge", "ml.g5.12xlarge", "ml.g4dn.xlarge",
                                                          "ml.m5.xlarge"])
    assert got == {
        "ml.p4d.24xlarge": InstanceFacts("ml.p4d.24xlarge", 96, 1_179_648, 8, "NVIDIA A100", 40_960, "aws"),
        "ml.g5.12xlarge": InstanceFacts("ml.g5.12xlarge", 48, 196_608, 4, "NVIDIA A10G", 22_888, "aws"),
        "ml.g4dn.xlarge": InstanceFacts("ml.g4dn.xlarge", 4, 16_384, 1, "NVIDIA T4", 16_384, "aws"),
        "ml.m5.xlarge": InstanceFacts("ml.m5.xlarge", 4, 16_384, 0, None, 0, "aws"),
    }


def test_the_table_agrees_with_ec2(clients):
    """Every row of the table equals what (moto's copy of) DescribeInstanceTypes says; one call
    per 100 names, the call repeated without the names moto does not know."""
    ec2 = clients.client("ec2")
    calls = _count_calls(ec2)
    got = describe_instance_types(ec2, list(FALLBACK))
    assert all(len(c["InstanceTypes"]) <= 100 for c in calls)
    assert len(FALLBACK) > 100 and len(calls) >= 2
    # moto's data has no p3.2xlarge/8xlarge/16xlarge (the table has them from the P3 page)
    assert set(FALLBACK) - set(got) <= {"ml.p3.2xlarge", "ml.p3.8xlarge", "ml.p3.16xlarge"}
    assert len(got) >= len(FALLBACK) - 3
    for name, aws in got.items():
        assert aws.source == "aws"
        table = FALLBACK[name]
        assert aws.__class__(**{**aws.__dict__, "source": "table"}) == table, name


def test_unknown_types_are_absent(clients):
    ec2 = clients.client("ec2")
    calls = _count_calls(ec2)
    got = describe_instance_types(ec2, ["ml.zz9.huge", "ml.g5.xlarge", "g4dn.xlarge", "ml.g5.xlarge", "qq.x"])
    assert set(got) == {"ml.g5.xlarge", "g4dn.xlarge"}
    assert got["g4dn.xlarge"].instance_type == "g4dn.xlarge"  # keyed and named as given
    assert len(calls) == 2 and calls[1]["InstanceTypes"] == ["g5.xlarge", "g4dn.xlarge"]
    assert describe_instance_types(ec2, ["ml.zz9.huge"]) == {}
    assert describe_instance_types(ec2, []) == {}

    catalog = InstanceTypeCatalog(clients)
    facts = catalog.facts(["ml.zz9.huge", "ml.p3.2xlarge", "ml.p4d.24xlarge"])
    assert set(facts) == {"ml.p3.2xlarge", "ml.p4d.24xlarge"}  # zz9: neither AWS nor the table
    assert facts["ml.p3.2xlarge"] == FALLBACK["ml.p3.2xlarge"]  # moto lacks it: the table answers
    assert facts["ml.p4d.24xlarge"].source == "aws"
    assert catalog.error is None


def test_the_catalog_asks_once(clients):
    ec2 = clients.client("ec2")
    calls, sent = _count_calls(ec2), []
    ec2.meta.events.register("before-call.ec2.DescribeInstanceTypes", lambda **kw: sent.append(1))
    catalog = InstanceTypeCatalog(clients)
    first = catalog.facts(["ml.g5.12xlarge", "ml.zz9.huge"])
    second = catalog.facts(["ml.g5.12xlarge", "ml.zz9.huge"], REGION)
    assert first == second and set(first) == {"ml.g5.12xlarge"} and first["ml.g5.12xlarge"].source == "aws"
    assert len(calls) == 2  # the refused call with zz9.huge, then the retry without it
    catalog.facts(["ml.zz9.huge"])  # a known miss is not asked again
    assert len(calls) == 2
    catalog.facts(["ml.g5.12xlarge", "ml.m5.large"])  # only the new type is asked for
    assert len(calls) == 3 and calls[-1]["InstanceTypes"] == ["m5.large"]
    assert len(sent) == 3


def test_concurrent_lookups_send_one_call(clients):
    calls = _count_calls(clients.client("ec2"))
    catalog = InstanceTypeCatalog(clients)
    results: list[dict] = []
    threads = [threading.Thread(target=lambda: results.append(catalog.facts(["ml.p5.48xlarge"])))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 6
    assert all(r["ml.p5.48xlarge"].gpu_label == "8 × NVIDIA H100 80 GiB" for r in results)


def test_the_call_goes_through_the_guarded_client(clients):
    assert is_read_only("DescribeInstanceTypes")
    ec2 = clients.client("ec2")
    calls, sent = _count_calls(ec2), []
    ec2.meta.events.register("before-send", lambda request, **kw: sent.append(request.url))
    assert InstanceTypeCatalog(clients).facts(["ml.g6.xlarge"])["ml.g6.xlarge"].source == "aws"
    assert len(calls) == 1 and len(sent) == 1  # the catalog used this very client
    with pytest.raises(ReadOnlyViolation, match="refused to call ec2.TerminateInstances"):
        ec2.terminate_instances(InstanceIds=["i-0123456789abcdef0"])
    assert len(sent) == 1  # the same client refuses writes before sending


# ---------------------------------------------------------------------------------------------
# denied, stubbed pages, unreachable
# ---------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _page(*types: str, token: str | None = None) -> dict:
    page = {"InstanceTypes": [{"InstanceType": t, "VCpuInfo": {"DefaultVCpus": 4}, "MemoryInfo": {"SizeInMiB": 1024}}
                              for t in types]}
    if token:
        page["NextToken"] = token
    return page


@pytest.mark.parametrize(("code", "message"), [
    ("UnauthorizedOperation", "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:"
                              "user/x is not authorized to perform: ec2:DescribeInstanceTypes"),
    ("AccessDenied", "Access Denied"),
])
def test_denied_falls_back_to_the_table(moto_url, code, message):
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=moto_url, credentials=CREDENTIALS))
    ec2 = clients.client("ec2")
    calls = _count_calls(ec2)
    clock = Clock()
    catalog = InstanceTypeCatalog(clients, clock=clock)
    with Stubber(ec2) as stub:
        stub.add_client_error("describe_instance_types", service_error_code=code, service_message=message,
                              http_status_code=403)
        got = catalog.facts(["ml.p4d.24xlarge", "ml.m5.xlarge", "ml.zz9.huge"])
        assert got == {"ml.p4d.24xlarge": FALLBACK["ml.p4d.24xlarge"], "ml.m5.xlarge": FALLBACK["ml.m5.xlarge"]}
        assert got["ml.p4d.24xlarge"].source == "table"
        assert catalog.error.startswith("ec2:DescribeInstanceTypes in us-east-1: access denied")
        assert "\n" not in catalog.error
        assert len(calls) == 1
        clock.now += 599  # within 10 minutes: the table answers, AWS is not asked
        assert catalog.facts(["ml.p4d.24xlarge", "ml.g5.xlarge"])["ml.g5.xlarge"] == FALLBACK["ml.g5.xlarge"]
        assert len(calls) == 1 and catalog.error
        stub.assert_no_pending_responses()

        clock.now += 2  # 10 minutes on: asked again; allowed now
        stub.add_response("describe_instance_types", _page("p4d.24xlarge", "m5.xlarge", "g5.xlarge"),
                          {"InstanceTypes": ["g5.xlarge", "m5.xlarge", "p4d.24xlarge", "zz9.huge"]})
        again = catalog.facts(["ml.p4d.24xlarge", "ml.m5.xlarge", "ml.g5.xlarge", "ml.zz9.huge"])
        assert {f.source for f in again.values()} == {"aws"} and set(again) == {
            "ml.p4d.24xlarge", "ml.m5.xlarge", "ml.g5.xlarge"}
        assert catalog.error is None and len(calls) == 2


def test_pages_and_invalid_names_stubbed(moto_url):
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=moto_url, credentials=CREDENTIALS))
    ec2 = clients.client("ec2")
    with Stubber(ec2) as stub:
        # a refused call names the bad types: retried without them, then paged
        stub.add_client_error("describe_instance_types", "InvalidInstanceType",
                              "The following supplied instance types do not exist: [zz9.huge]",
                              expected_params={"InstanceTypes": ["a1.large", "zz9.huge", "b1.large"]})
        stub.add_response("describe_instance_types", _page("a1.large", token="t1"),
                          {"InstanceTypes": ["a1.large", "b1.large"]})
        stub.add_response("describe_instance_types", _page("b1.large"),
                          {"InstanceTypes": ["a1.large", "b1.large"], "NextToken": "t1"})
        got = describe_instance_types(ec2, ["ml.a1.large", "ml.zz9.huge", "ml.b1.large"])
        assert set(got) == {"ml.a1.large", "ml.b1.large"}
        # an error that lists none of the names: one by one
        stub.add_client_error("describe_instance_types", "InvalidInstanceType", "no such type",
                              expected_params={"InstanceTypes": ["a1.large", "zz9.huge"]})
        stub.add_response("describe_instance_types", _page("a1.large"), {"InstanceTypes": ["a1.large"]})
        stub.add_client_error("describe_instance_types", "InvalidInstanceType", "no such type",
                              expected_params={"InstanceTypes": ["zz9.huge"]})
        assert set(describe_instance_types(ec2, ["ml.a1.large", "ml.zz9.huge"])) == {"ml.a1.large"}
        # other errors are the caller's
        stub.add_client_error("describe_instance_types", "RequestLimitExceeded", "slow down")
        with pytest.raises(Exception, match="RequestLimitExceeded"):
            describe_instance_types(ec2, ["ml.a1.large"])
        stub.assert_no_pending_responses()


def test_unreachable_falls_back_quickly():
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url="http://127.0.0.1:9", connect_timeout=1.0,
                                     read_timeout=1.0, max_attempts=1, credentials=CREDENTIALS))
    calls = _count_calls(clients.client("ec2"))
    catalog = InstanceTypeCatalog(clients)
    start = time.monotonic()
    got = catalog.facts(["ml.g5.12xlarge", "ml.zz9.huge"])
    assert time.monotonic() - start < 5
    assert got == {"ml.g5.12xlarge": FALLBACK["ml.g5.12xlarge"]}
    assert catalog.error.startswith("ec2:DescribeInstanceTypes in us-east-1: cannot reach the AWS endpoint")
    assert catalog.facts(["ml.g5.12xlarge"]) == {"ml.g5.12xlarge": FALLBACK["ml.g5.12xlarge"]}
    assert len(calls) == 1  # not asked again within 10 minutes
