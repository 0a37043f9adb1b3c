"""Simulated metrics of endpoints and inference components: invocations and latencies (per
variant, per instance with enhanced metrics, per component), multi-model loading, serverless
cold starts, instance and per-GPU utilization and component reservations."""

from __future__ import annotations

from tui.demo import shapes
from tui.demo.fleet import ComponentSpec, EndpointSpec, VariantSpec
from tui.demo.metrics.base import INSTANCE_METRICS, SimulatorBase
from tui.demo.metrics.batch import Batch, emit, group_metrics
from tui.demo.metrics.samples import flags, ones, v, values
from tui.model.catalog import (G_COMPONENT, G_INSTANCE, G_INVOCATION, G_MME_INSTANCE, G_MME_LOADING, VARIANT_GPU,
                               VARIANT_INSTANCE, Kind, MetricDef)

INV = group_metrics(G_INVOCATION)
IC_UTIL = group_metrics(G_COMPONENT)
MME = group_metrics(G_MME_LOADING)
MME_INST = group_metrics(G_MME_INSTANCE)
INST = group_metrics(G_INSTANCE)

#: Instance metrics reported per GPU (AcceleratorId) with enhanced metrics.
PER_ACCELERATOR = ("GPUUtilization", "GPUMemoryUtilization")


class EndpointMetrics(SimulatorBase):
    """Datapoints of endpoints, their instances and GPUs, and inference components."""

    # -- endpoints ----------------------------------------------------------------------------------
    def _traffic(self, ep: EndpointSpec, variant: VariantSpec, t: float) -> int:
        return shapes.request_count(self.key(ep.name, variant.name, "req"), t, ep.rpm * variant.weight)

    def _error_fraction(self, ep: EndpointSpec, t: float) -> float:
        if ep.error_start is None:
            return ep.error_rate
        return shapes.error_fraction(t, ep.error_start, ep.error_rise, ep.error_rate, ep.error_peak)

    def _endpoint(self, batch: Batch, ep: EndpointSpec, t: float) -> None:
        if t < ep.created:
            return
        for var in ep.variants:
            dv = {"EndpointName": ep.name, "VariantName": var.name}
            if ep.rpm > 0:
                n = self._traffic(ep, var, t)
                self._invocations(batch, Kind.ENDPOINT, dv, n, t, ep, var)
                if ep.enhanced:
                    self._instance_invocations(batch, ep, var, n, t)
                if ep.mme_models:
                    self._multi_model(batch, ep, var, dv, n, t)
                if var.serverless:
                    self._serverless(batch, ep, dv, n, t)
        if ep.publish_interval >= 60:
            self._endpoint_instances(batch, ep, t, enhanced=False)

    def _invocations(self, batch: Batch, kind: Kind, dv: dict, n: int, t: float, ep: EndpointSpec | None,
                     var: VariantSpec | None, ic: ComponentSpec | None = None) -> None:
        """Invocation metrics of one variant (kind ENDPOINT) or component (kind INFERENCE_COMPONENT)."""
        if n <= 0:
            return
        name = ic.name if ic else ep.name
        key = self.key(name, dv.get("VariantName", ""), "inv")
        err = self._error_fraction(ep, t) if ep else 0.0008
        e5 = shapes.binomial(key, t, n, err, 1)
        e4 = shapes.binomial(key, t, n, ep.client_error_rate if ep else 0.001, 2)
        em = shapes.binomial(key, t, e5, 0.7, 3)
        load = shapes.load_factor(t)
        median = ic.median_ms if ic else ep.median_ms
        if var is not None and var.name.startswith("challenger"):
            median *= 1.25
        tail = 1.0 + 6.0 * err  # timeouts stretch the tail of an erroring model
        emit(batch, INV["Invocations"], kind, dv, ones(n))
        emit(batch, INV["Invocation4XXErrors"], kind, dv, flags(n, e4))
        emit(batch, INV["Invocation5XXErrors"], kind, dv, flags(n, e5))
        emit(batch, INV["InvocationModelErrors"], kind, dv, flags(n, em))
        lat = self._latency(self.key(name, dv.get("VariantName", ""), "lat"), t, median, load, tail)
        emit(batch, INV["ModelLatency"], kind, dv, lat)
        overhead = ep.overhead_ms if ep else 4.0
        emit(batch, INV["OverheadLatency"], kind, dv,
             self._latency(self.key(name, dv.get("VariantName", ""), "ovh"), t, overhead, load * 0.5))
        mean_s = sum(lat[1]) / len(lat[1]) / 1e6
        concurrency = n / 60.0 * mean_s
        if kind is Kind.ENDPOINT:
            per_instance = n / max(var.instance_count, 1) if not var.serverless else float(n)
            emit(batch, INV["InvocationsPerInstance"], kind, dv, v(round(per_instance, 2)))
            peak = concurrency * (1.8 + 0.6 * shapes.uniform(key, t, 9)) + 1
            emit(batch, INV["ConcurrentRequestsPerModel"], kind, dv, v(round(peak)))
        else:
            copies = max(ic.copies, 1)
            emit(batch, INV["InvocationsPerCopy"], kind, dv, v(round(n / copies, 2)))
            peak = concurrency / copies * (1.8 + 0.6 * shapes.uniform(key, t, 9)) + 1
            emit(batch, INV["ConcurrentRequestsPerCopy"], kind, dv, v(round(peak)))

    def _instance_invocations(self, batch: Batch, ep: EndpointSpec, var: VariantSpec, n: int, t: float) -> None:
        """Per-instance invocation metrics of an endpoint with enhanced metrics (InstanceId)."""
        shares = [1.0 + 0.08 * shapes.smooth_noise(self.key(ep.name, i, "share"), t, 300) for i in var.instance_ids]
        counts = shapes.split_counts(n, shares)
        err = self._error_fraction(ep, t)
        load = shapes.load_factor(t)
        for iid, k in zip(var.instance_ids, counts):
            if k <= 0:
                continue
            dv = {"EndpointName": ep.name, "VariantName": var.name, "InstanceId": iid}
            key = self.key(ep.name, iid, "inv")
            hot = ep.hot_gpu is not None and ep.hot_gpu[0] == iid
            for md in INV.values():
                if VARIANT_INSTANCE not in md.enhanced_dimensions:
                    continue
                if md.name == "Invocations":
                    s = ones(k)
                elif md.name == "Invocation5XXErrors":
                    s = flags(k, shapes.binomial(key, t, k, err, 1))
                elif md.name == "Invocation4XXErrors":
                    s = flags(k, shapes.binomial(key, t, k, ep.client_error_rate, 2))
                elif md.name == "ModelLatency":
                    s = self._latency(self.key(ep.name, iid, "lat"), t, ep.median_ms * (1.35 if hot else 1.0),
                                      load, 1.4 if hot else 1.0)
                elif md.name == "OverheadLatency":
                    s = self._latency(self.key(ep.name, iid, "ovh"), t, ep.overhead_ms, load * 0.5)
                else:
                    continue
                emit(batch, md, Kind.ENDPOINT, dv, s, dims=VARIANT_INSTANCE)

    def _serverless(self, batch: Batch, ep: EndpointSpec, dv: dict, n: int, t: float) -> None:
        """ModelSetupTime: a cold start after an idle stretch (or a scale-out at busy times)."""
        key = self.key(ep.name, "cold")
        idle_before = shapes.request_count(self.key(ep.name, dv["VariantName"], "req"), t - 60, ep.rpm) == 0
        scale_out = shapes.uniform(key, t, 1) < 0.06
        if n > 0 and (idle_before or scale_out):
            colds = 1 + (1 if shapes.uniform(key, t, 2) < 0.2 else 0)
            xs = [round((2.2 + 4.5 * shapes.uniform(key, t, 3 + i)) * 1e6) for i in range(colds)]
            emit(batch, INV["ModelSetupTime"], Kind.ENDPOINT, dv, values(xs))

    def _multi_model(self, batch: Batch, ep: EndpointSpec, var: VariantSpec, dv: dict, n: int, t: float) -> None:
        key = self.key(ep.name, var.name, "mme")
        hit_rate = 0.93 + 0.04 * shapes.smooth_noise(key, t, 1800)
        hits = n - shapes.binomial(key, t, n, 1 - hit_rate, 4)
        misses = n - hits
        emit(batch, MME["ModelCacheHit"], Kind.ENDPOINT, dv, flags(n, hits))
        if misses > 0:
            k = min(misses, 5)
            dl = [round((0.6 + 2.2 * shapes.uniform(key, t, 10 + i)) * 1e6) for i in range(k)]
            ld = [round((0.4 + 1.4 * shapes.uniform(key, t, 20 + i)) * 1e6) for i in range(k)]
            wait = [d + l + round(40_000 * shapes.uniform(key, t, 30 + i)) for i, (d, l) in enumerate(zip(dl, ld))]
            emit(batch, MME["ModelDownloadingTime"], Kind.ENDPOINT, dv, values(dl))
            emit(batch, MME["ModelLoadingTime"], Kind.ENDPOINT, dv, values(ld))
            emit(batch, MME["ModelLoadingWaitTime"], Kind.ENDPOINT, dv, values(wait))
            ul = [round((0.05 + 0.2 * shapes.uniform(key, t, 40 + i)) * 1e6) for i in range(k)]
            emit(batch, MME["ModelUnloadingTime"], Kind.ENDPOINT, dv, values(ul))
        loaded = [round(38 + 10 * shapes.load_factor(t) + 3 * shapes.smooth_noise(self.key(ep.name, iid, "lm"), t))
                  for iid in var.instance_ids]
        emit(batch, MME_INST["LoadedModelCount"], Kind.ENDPOINT, dv, values(loaded))

    # instance utilization ---------------------------------------------------------------------------
    def _endpoint_instances(self, batch: Batch, ep: EndpointSpec, t: float, enhanced: bool) -> None:
        if t < ep.created:
            return
        components = [c for c in self.fleet.components if c.endpoint == ep.name]
        for var in ep.variants:
            dv = {"EndpointName": ep.name, "VariantName": var.name}
            per_instance = self._instance_values(ep, var, t, components)
            for md in INSTANCE_METRICS[Kind.ENDPOINT]:
                if not self._applies(md, ep, var):
                    continue
                vals = [row[md.name] for row in per_instance if md.name in row]
                if not vals:
                    continue
                emit(batch, md, Kind.ENDPOINT, dv, values(vals))
                if not enhanced:
                    continue
                for iid, row in zip(var.instance_ids, per_instance):
                    if md.name in row and VARIANT_INSTANCE in md.enhanced_dimensions:
                        emit(batch, md, Kind.ENDPOINT, dict(dv, InstanceId=iid), v(row[md.name]),
                             dims=VARIANT_INSTANCE)
                    if md.name in PER_ACCELERATOR and VARIANT_GPU in md.enhanced_dimensions:
                        for acc, val in row.get("per_gpu", {}).get(md.name, []):
                            emit(batch, md, Kind.ENDPOINT, dict(dv, InstanceId=iid, AcceleratorId=acc), v(val),
                                 dims=VARIANT_GPU)
            if components and not var.serverless:
                self._reservations(batch, var, dv, components, t)

    @staticmethod
    def _applies(md: MetricDef, ep: EndpointSpec, var: VariantSpec) -> bool:
        if var.serverless:
            return md.name == "MemoryUtilization"
        if "Reservation" in md.name:
            return ep.role == "components"
        if md.name.endswith("Normalized"):
            return ep.role == "components" and ("GPU" not in md.name or var.gpus_per_instance > 0)
        if "GPU" in md.name:
            return var.gpus_per_instance > 0
        return True

    def _instance_values(self, ep: EndpointSpec, var: VariantSpec, t: float,
                         components: list[ComponentSpec]) -> list[dict]:
        """Utilization of each instance of a variant (CPU and GPU summed over cores/GPUs)."""
        load = shapes.load_factor(t)
        if components:
            busy = sum(c.rpm * c.median_ms for c in components)
            activity = min(1.0, busy / 300_000.0) * (0.55 + 0.45 * load)
        elif ep.rpm > 0:
            activity = 0.15 + 0.6 * load * (1.0 + 2.5 * self._error_fraction(ep, t))
        else:
            activity = 0.003
        rows = []
        if var.serverless:
            key = self.key(ep.name, "mem")
            return [{"MemoryUtilization": shapes.utilization(key, t, 31 + 12 * load, 1.5, 3)}]
        cores, ngpu = var.vcpus_per_instance, var.gpus_per_instance
        for i, iid in enumerate(var.instance_ids):
            key = self.key(ep.name, iid)
            if ep.rpm <= 0 and not components:  # an idle endpoint: health checks only
                core = shapes.utilization(key, t, 0.6, 0.15, 0.2)
            else:  # GPU models leave the CPU mostly to pre- and post-processing
                core = shapes.utilization(key, t, (3 + 24 * activity) if ngpu else (4 + 62 * activity), 2.0, 4)
            row = {
                "CPUUtilization": round(core * cores, 1),
                "MemoryUtilization": shapes.utilization(self.key(ep.name, iid, "mem"), t,
                                                        (62 if components else 34) + 6 * activity, 0.6, 2),
                "DiskUtilization": shapes.utilization(self.key(ep.name, iid, "disk"), t, 18 + 5 * (i % 2), 0.1, 0.5),
                "CPUUtilizationNormalized": core,
            }
            if ngpu:
                per_gpu_u, per_gpu_m = [], []
                for g in range(ngpu):
                    acc = f"GPU{g}"
                    gk = self.key(ep.name, iid, acc)
                    hot = ep.hot_gpu == (iid, acc)
                    u = shapes.utilization(gk, t, 97.5 if hot else 18 + 62 * activity * (0.85 + 0.1 * g / ngpu),
                                           1.0 if hot else 4.0, 2.0)
                    m = shapes.utilization(self.key(ep.name, iid, acc, "m"), t, 94.0 if hot else 41 + 18 * activity,
                                           0.4 if hot else 1.5, 1.0)
                    per_gpu_u.append((acc, u))
                    per_gpu_m.append((acc, m))
                row["GPUUtilization"] = round(sum(u for _, u in per_gpu_u), 1)
                row["GPUMemoryUtilization"] = round(sum(m for _, m in per_gpu_m), 1)
                row["GPUUtilizationNormalized"] = round(row["GPUUtilization"] / ngpu, 2)
                row["GPUMemoryUtilizationNormalized"] = round(row["GPUMemoryUtilization"] / ngpu, 2)
                row["per_gpu"] = {"GPUUtilization": per_gpu_u, "GPUMemoryUtilization": per_gpu_m}
            rows.append(row)
        return rows

    def _reservations(self, batch: Batch, var: VariantSpec, dv: dict, components: list[ComponentSpec],
                      t: float) -> None:
        cores = var.vcpus_per_instance * var.instance_count
        ngpu = var.gpus_per_instance * var.instance_count
        from tui.demo.fleet import INSTANCE_TYPES
        mem_mb = INSTANCE_TYPES.get(var.instance_type or "", (0, 0, 16))[2] * 1024 * var.instance_count
        cpu = sum(c.cpus_per_copy * c.copies for c in components) / max(cores, 1) * 100
        gpu = sum(c.gpus_per_copy * c.copies for c in components) / max(ngpu, 1) * 100
        mem = sum(c.memory_mb_per_copy * c.copies for c in components) / max(mem_mb, 1) * 100
        for name, val in (("CPUReservation", cpu), ("GPUReservation", gpu), ("MemoryReservation", mem)):
            emit(batch, INST[name], Kind.ENDPOINT, dv, v(round(min(val, 100.0), 2)))

    # inference components -----------------------------------------------------------------------------
    def _component(self, batch: Batch, ic: ComponentSpec, t: float) -> None:
        if t < ic.created:
            return
        dv = {"InferenceComponentName": ic.name}
        n = shapes.request_count(self.key(ic.name, "req"), t, ic.rpm)
        self._invocations(batch, Kind.INFERENCE_COMPONENT, dv, n, t, None, None, ic)
        load = shapes.load_factor(t)
        busy = min(1.0, ic.rpm * ic.median_ms / 60000.0 / max(ic.copies, 1) / 4.0) * (0.5 + 0.5 * load)
        key = self.key(ic.name, "util")
        levels = {
            "CPUUtilizationNormalized": 8 + 40 * busy,
            "GPUUtilizationNormalized": 12 + 78 * busy,
            "GPUMemoryUtilizationNormalized": 72 + 14 * busy if ic.gpus_per_copy else 0,
            "MemoryUtilizationNormalized": 44 + 20 * busy,
        }
        for md in IC_UTIL.values():
            level = levels.get(md.name)
            if level is None:
                continue
            emit(batch, md, Kind.INFERENCE_COMPONENT, dv,
                 v(shapes.utilization(self.key(ic.name, md.name), t, level, 2.0, 3)))
