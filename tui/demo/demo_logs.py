"""CloudWatch Logs for the demo fleet: framework-looking log lines, per stream, over time.

Training jobs log to ``/aws/sagemaker/TrainingJobs``, one stream per host
(``<job>/algo-N-<epoch>``); processing jobs to ``/aws/sagemaker/ProcessingJobs``; transform
jobs to ``/aws/sagemaker/TransformJobs`` (``<job>/<instance-id>``); endpoints to
``/aws/sagemaker/Endpoints/<name>``, one stream per variant and instance
(``<variant>/<instance-id>``). Lines are produced for a time span by pure functions of the
fleet, the seed and the scenario time, and written with PutLogEvents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from tui.demo import shapes
from tui.demo.fleet import PROCESSING, TRAINING, TRANSFORM, EndpointSpec, Fleet, JobSpec

TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_GROUP = "/aws/sagemaker/ProcessingJobs"
TRANSFORM_GROUP = "/aws/sagemaker/TransformJobs"
ENDPOINT_GROUP_PREFIX = "/aws/sagemaker/Endpoints/"
JOB_GROUPS = {TRAINING: TRAINING_GROUP, PROCESSING: PROCESSING_GROUP, TRANSFORM: TRANSFORM_GROUP}
MAX_EVENTS_PER_CALL = 10_000

Event = tuple[int, str]  # (timestamp in ms, message)


def _hms(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _torch_ts(t: float) -> str:
    d = datetime.fromtimestamp(t, timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S,") + f"{int(t * 1000) % 1000:03d}"


def endpoint_log_group(name: str) -> str:
    return ENDPOINT_GROUP_PREFIX + name


def job_stream(job: JobSpec, host: str) -> str:
    """The stream of one host: ``<job>/algo-N-<epoch>`` (training, processing) or ``<job>/<instance-id>``."""
    if job.kind == TRANSFORM:
        return host
    return f"{host}-{int(job.start)}"


def endpoint_streams(ep: EndpointSpec) -> list[tuple[str, str, str]]:
    """(stream, variant, instance id) of each endpoint instance (serverless: one stream)."""
    out = []
    for var in ep.variants:
        ids = var.instance_ids or ["serverless"]
        for iid in ids:
            out.append((f"{var.name}/{iid}", var.name, iid))
    return out


@dataclass
class Stream:
    group: str
    name: str
    lines: Callable[[float, float, bool], list[Event]]  # (real span, backfill) -> events
    events: int = 0


@dataclass
class LogStats:
    calls: int = 0
    events: int = 0
    seconds: float = 0.0
    errors: int = 0
    last_error: str = ""

    def as_dict(self) -> dict:
        return {"calls": self.calls, "events": self.events, "seconds": round(self.seconds, 3),
                "errors": self.errors}


class DemoLogs:
    """Creates the log groups and streams and appends lines for a span of real time."""

    def __init__(self, fleet: Fleet, sim: Callable[[float], float] | None = None) -> None:
        self.fleet = fleet
        self.seed = fleet.seed
        self.sim = sim or (lambda t: t)
        self.stats = LogStats()
        self._created_groups: set[str] = set()
        self._created_streams: set[tuple[str, str]] = set()
        self.streams: dict[tuple[str, str], Stream] = {}
        self._keys: dict[tuple, int] = {}

    def key(self, *parts: object) -> int:
        k = self._keys.get(parts)
        if k is None:
            k = self._keys[parts] = shapes.series_seed(self.seed, "logs", *parts)
        return k

    # -- setup ------------------------------------------------------------------------------------
    def plan(self) -> list[Stream]:
        """Every stream the fleet writes to (new jobs add theirs on the next call)."""
        for job in self.fleet.jobs:
            group = JOB_GROUPS[job.kind]
            for i, host in enumerate(job.hosts):
                key = (group, job_stream(job, host))
                if key not in self.streams:
                    self.streams[key] = Stream(group, key[1], self._job_lines(job, host, i))
        for ep in self.fleet.endpoints:
            for stream, variant, iid in endpoint_streams(ep):
                key = (endpoint_log_group(ep.name), stream)
                if key not in self.streams:
                    self.streams[key] = Stream(key[0], stream, self._endpoint_lines(ep, variant, iid))
        return list(self.streams.values())

    def ensure(self, logs, streams: list[Stream]) -> None:
        for s in streams:
            if s.group not in self._created_groups:
                try:
                    logs.create_log_group(logGroupName=s.group)
                except logs.exceptions.ResourceAlreadyExistsException:
                    pass
                self._created_groups.add(s.group)
            if (s.group, s.name) not in self._created_streams:
                try:
                    logs.create_log_stream(logGroupName=s.group, logStreamName=s.name)
                except logs.exceptions.ResourceAlreadyExistsException:
                    pass
                self._created_streams.add((s.group, s.name))

    def write(self, logs, start: float, end: float, backfill: bool = False) -> int:
        """Append every stream's lines for the real span [start, end); returns events written.

        With ``backfill``, jobs that started before the span also get their start-up lines
        (at their start time), as an account with a running job would show."""
        streams = self.plan()
        self.ensure(logs, streams)
        total = 0
        for s in streams:
            events = s.lines(start, end, backfill)
            if not events:
                continue
            events.sort(key=lambda e: e[0])
            for i in range(0, len(events), MAX_EVENTS_PER_CALL):
                chunk = events[i:i + MAX_EVENTS_PER_CALL]
                t = time.perf_counter()
                try:
                    logs.put_log_events(logGroupName=s.group, logStreamName=s.name,
                                        logEvents=[{"timestamp": ms, "message": m} for ms, m in chunk])
                except Exception as exc:  # noqa: BLE001 - logs are decoration; keep the demo going
                    self.stats.errors += 1
                    self.stats.last_error = f"{type(exc).__name__}: {exc}"
                    continue
                finally:
                    self.stats.seconds += time.perf_counter() - t
                self.stats.calls += 1
                self.stats.events += len(chunk)
                s.events += len(chunk)
                total += len(chunk)
        return total

    # -- job lines ---------------------------------------------------------------------------------
    def _job_lines(self, job: JobSpec, host: str, rank: int) -> Callable[[float, float], list[Event]]:
        def lines(start: float, end: float, backfill: bool = False) -> list[Event]:
            out: list[Event] = []
            a, b = self.sim(start), self.sim(end)
            if b <= job.start or (a > job.end and not backfill):
                return out
            real_of = _inverse(self.sim, start, end, a, b)
            if a <= job.start < b:
                out += _at(real_of(job.start), _job_header(job, host, rank))
            elif backfill and job.start < a:
                out += _at(job.start, _job_header(job, host, rank))
                if job.end < a:
                    out += _at(job.end, _job_footer(job, host, rank))
                    return out
            cadence = 120.0 if job.hosts and len(job.hosts) > 4 else 60.0
            first = max(a, job.start + 90)
            k = int((first - job.start) // cadence) + (1 if (first - job.start) % cadence else 0)
            # At most one progress line per host and real minute, however fast scenario time runs.
            n_lines = 0
            limit = max(1, int((end - start) // 60) * 2)
            while n_lines < limit:
                t = job.start + k * cadence
                if t >= min(b, job.end):
                    break
                k += 1
                n_lines += 1
                out += _at(real_of(t), self._progress(job, host, rank, t))
            if a <= job.end < b:
                out += _at(real_of(job.end), _job_footer(job, host, rank))
            return out
        return lines

    def _progress(self, job: JobSpec, host: str, rank: int, t: float) -> list[str]:
        key = self.key(job.name, host)
        p = job.progress_at(t)
        lag = host == job.lag_host
        algo = host.rsplit("/", 1)[-1]
        if job.kind == PROCESSING:
            rows = int(2_400_000 * p)
            return [f"{_hms(t)} INFO  ProcessingStep: processed {rows:,} rows "
                    f"({rows / max(t - job.start, 1):.0f} rows/s), partition {int(p * 64)}/64"]
        if job.kind == TRANSFORM:
            records = int(1_800_000 * p)
            return [f"{_torch_ts(t)} [INFO ] W-9000-model_1.0 ACCESS_LOG - /169.254.255.130:{40000 + k % 9999} "
                    f"\"POST /invocations HTTP/1.1\" 200 {140 + int(60 * shapes.uniform(key, t))}"
                    for k in (int(t),)] + [f"{_hms(t)} INFO  batch {records // 500} / 3600 "
                                           f"({records:,} records) mini-batch 500"]
        if job.framework == "xgboost":
            rnd = int(p * 400)
            loss = shapes.loss_curve(p, self.key(job.name, "algo"), t, start=0.69, floor=0.12)
            acc = shapes.accuracy_curve(p, self.key(job.name, "algo"), t)
            return [f"[{_hms(t)}.{int(t * 1000) % 1000:03d}] INFO: [{rnd}]#011train-logloss:{loss:.5f}"
                    f"#011validation-logloss:{loss * 1.08:.5f}#011validation-accuracy:{acc:.5f}"]
        steps = 132_000 if "pretrain" in job.name else 4_200
        step = int(p * steps)
        epoch = 1 + int(p * (8 if "pretrain" in job.name else 3))
        loss = shapes.loss_curve(p, self.key(job.name, "algo"), t, start=2.4,
                                 floor=1.45 if "pretrain" in job.name else 0.12)
        tput = (1842.0 if not lag else 512.0) * (0.97 + 0.06 * shapes.uniform(key, t, 1))
        out = [f"[{_hms(t)}] epoch={epoch} step={step}/{steps} train_loss={loss:.4f} "
               f"lr={2e-4 * (1 - 0.9 * p):.2e} grad_norm={0.35 + 0.2 * shapes.uniform(key, t, 2):.3f} "
               f"throughput={tput:.1f} samples/s"]
        if int(t // 60) % 5 == 0:
            acc = shapes.accuracy_curve(p, self.key(job.name, "algo"), t)
            out.append(f"[{_hms(t)}] epoch={epoch} validation: val_loss={loss * 1.06:.4f} val_acc={acc:.4f}")
        if lag and job.gpus_per_host:
            out.append(f"{algo}:{2100 + rank}:{2188 + rank} [3] NCCL WARN NET/OFI Request completion slow on "
                       f"rail 2: 2.9s (median 0.31s), peer rank {rank * 8 + 3}")
            if shapes.uniform(key, t, 3) < 0.5:
                out.append(f"[{_hms(t)}] WARNING  straggler: rank {rank * 8} ({algo}) step time "
                           f"{2.6 + 0.6 * shapes.uniform(key, t, 4):.2f}s vs median 0.78s across 128 ranks")
        if host == job.disk_host and job.disk_fill:
            lo_t, hi_t, lo, hi = job.disk_fill
            used = shapes.ramp(t, lo_t, hi_t, lo, hi) if t < hi_t else hi
            if used >= 85:
                out.append(f"[{_hms(t)}] WARNING  /opt/ml/checkpoints: {used:.0f}% of 3.5T used "
                           f"({3.5 * used / 100:.2f}T); next checkpoint needs 84G")
            if used >= 96.5 and shapes.uniform(key, t, 5) < 0.3:
                out.append(f"[{_hms(t)}] ERROR    checkpoint save failed: OSError: [Errno 28] No space left on "
                           f"device: '/opt/ml/checkpoints/step_{step}/optimizer.pt' - retrying in 60s")
        return out

    # -- endpoint lines ----------------------------------------------------------------------------
    def _endpoint_lines(self, ep: EndpointSpec, variant: str, iid: str) -> Callable[[float, float], list[Event]]:
        def lines(start: float, end: float, backfill: bool = False) -> list[Event]:
            out: list[Event] = []
            m = start - start % 60
            while m < end:
                if m >= start:
                    t = self.sim(m)
                    if t >= ep.created:
                        out += self._endpoint_minute(ep, variant, iid, m, t)
                m += 60
            return out
        return lines

    def _endpoint_minute(self, ep: EndpointSpec, variant: str, iid: str, m: float, t: float) -> list[Event]:
        key = self.key(ep.name, iid)
        out: list[Event] = []
        when = m + 7 + int(40 * shapes.uniform(key, m, 1))
        ts = int(when * 1000)
        if ep.role == "idle":
            if int(m // 60) % 5 == 0:
                out.append((ts, f"{_torch_ts(when)} [INFO ] pool-2-thread-1 ACCESS_LOG - /169.254.178.2:{39000 + int(m) % 999} "
                                f"\"GET /ping HTTP/1.1\" 200 0"))
            return out
        load = shapes.load_factor(t)
        ms = ep.median_ms * (1 + 0.35 * load * load) * (0.8 + 0.5 * shapes.uniform(key, m, 2))
        if ep.role == "components":
            comps = [c for c in self.fleet.components if c.endpoint == ep.name]
            c = comps[int(shapes.uniform(key, m, 3) * len(comps))]
            toks = 120 + int(380 * shapes.uniform(key, m, 4))
            out.append((ts, f"{_torch_ts(when)} INFO  PyProcess W-{c.name}-1-stdout: [1,0]<stdout>:INFO::Request "
                            f"{int(m) % 100000} done: {toks} output tokens in {c.median_ms * toks / 300:.0f} ms "
                            f"({toks / (c.median_ms * toks / 300 / 1000):.1f} tok/s), batch 4"))
            return out
        err = ep.error_rate
        if ep.error_start is not None:
            err = shapes.error_fraction(t, ep.error_start, ep.error_rise, ep.error_rate, ep.error_peak)
        status = 500 if shapes.uniform(key, m, 5) < err * 4 else 200
        out.append((ts, f"{_torch_ts(when)} [INFO ] W-9000-model_1.0 ACCESS_LOG - /169.254.178.2:"
                        f"{39000 + int(m) % 999} \"POST /invocations HTTP/1.1\" {status} {ms:.0f}"))
        if status == 500:
            out.append((ts + 1, f"{_torch_ts(when)} [ERROR] W-9000-model_1.0-stdout MODEL_LOG - RuntimeError: "
                                f"feature 'query_embedding' has shape (1, 768) but the ranker expects (1, 1024)"))
            out.append((ts + 2, f"{_torch_ts(when)} [WARN ] W-9000-model_1.0 org.pytorch.serve.wlm.WorkerThread - "
                                f"Backend worker thread exception: 500 Internal Server Error"))
        elif ep.mme_models and shapes.uniform(key, m, 6) < 0.35:
            market = ("de", "fr", "uk", "es", "it", "nl", "se", "pl")[int(shapes.uniform(key, m, 7) * 8)]
            out.append((ts + 1, f"{_torch_ts(when)} [INFO ] W-9000-model_1.0 - Loading model "
                                f"recsys-{market}-v{12 + int(m) % 4}.tar.gz (cache miss), "
                                f"downloaded in {0.6 + 2 * shapes.uniform(key, m, 8):.2f}s"))
        elif ep.role == "serverless" and shapes.uniform(key, m, 9) < 0.1:
            out.append((ts + 1, f"{_torch_ts(when)} [INFO ] main com.amazonaws.ml.mms.ModelServer - "
                                f"Model server started (cold start)"))
        return out


def _at(real_t: float, lines: list[str]) -> list[Event]:
    ms = int(real_t * 1000)
    return [(ms + i, line) for i, line in enumerate(lines)]


def _inverse(sim: Callable[[float], float], start: float, end: float, a: float, b: float) -> Callable[[float], float]:
    """Real time of a scenario time within [a, b) (linear between the span's ends)."""
    if b <= a:
        return lambda t: start
    scale = (end - start) / (b - a)
    return lambda t: min(end - 0.001, max(start, start + (t - a) * scale))


def _job_header(job: JobSpec, host: str, rank: int) -> list[str]:
    algo = host.rsplit("/", 1)[-1]
    t = job.start
    if job.kind != TRAINING:
        return [f"{_hms(t)} INFO  Starting {job.kind} container on {job.instance_type} ({algo})",
                f"{_hms(t)} INFO  Downloading inputs from s3://acme-ml-artifacts-123456789012/{job.name}/input/"]
    lines = [
        "bash: cannot set terminal process group (-1): Inappropriate ioctl for device",
        "bash: no job control in this shell",
        f"{_hms(t)},101 sagemaker-training-toolkit INFO     Imported framework sagemaker_pytorch_container.training",
        f"{_hms(t)},114 sagemaker-training-toolkit INFO     No Neurons detected (normal if no neurons installed)",
        f"{_hms(t)},377 sagemaker-training-toolkit INFO     Invoking user script",
        f"Training Env: {{\"current_host\": \"{algo}\", \"hosts\": [{', '.join(repr(h.rsplit('/', 1)[-1]) for h in job.hosts[:4]).replace(chr(39), chr(34))}{', ...' if len(job.hosts) > 4 else ''}], "
        f"\"current_instance_type\": \"{job.instance_type}\", \"num_gpus\": {job.gpus_per_host}}}",
    ]
    if job.gpus_per_host and len(job.hosts) > 1:
        lines += [
            f"{algo}:{2100 + rank}:{2100 + rank} [0] NCCL INFO Bootstrap : Using eth0:10.0.{140 + rank // 8}.{20 + rank}<0>",
            f"{algo}:{2100 + rank}:{2100 + rank} [0] NCCL INFO NET/OFI Selected Provider is efa (found 4 nics)",
            f"{algo}:{2100 + rank}:{2100 + rank} [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
            f"{algo}:{2100 + rank}:{2160 + rank} [0] NCCL INFO comm 0x55d0c8a{rank:x} rank {rank * 8} "
            f"nranks {len(job.hosts) * 8} cudaDev 0 busId 101c0 - Init COMPLETE",
        ]
    return lines


def _job_footer(job: JobSpec, host: str, rank: int) -> list[str]:
    t = job.end
    if job.final_status == "Failed":
        return [
            "Traceback (most recent call last):",
            '  File "/opt/ml/code/train_lora.py", line 212, in <module>',
            "    main()",
            '  File "/opt/ml/code/train_lora.py", line 188, in main',
            "    trainer.train()",
            '  File "/opt/conda/lib/python3.11/site-packages/transformers/trainer.py", line 1938, in train',
            "    return inner_training_loop(",
            '  File "/opt/conda/lib/python3.11/site-packages/transformers/trainer.py", line 2279, in _inner_training_loop',
            "    tr_loss_step = self.training_step(model, inputs)",
            '  File "/opt/conda/lib/python3.11/site-packages/torch/_tensor.py", line 581, in backward',
            "    torch.autograd.backward(",
            '  File "/opt/conda/lib/python3.11/site-packages/torch/autograd/__init__.py", line 347, in backward',
            "    _engine_run_backward(",
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of "
            "22.19 GiB of which 1.41 GiB is free. Of the allocated memory 19.87 GiB is allocated by PyTorch, and "
            "612.33 MiB is reserved by PyTorch but unallocated.",
            f"{_hms(t)},902 sagemaker-training-toolkit ERROR    Reporting training FAILURE",
            f"{_hms(t)},902 sagemaker-training-toolkit ERROR    ExecuteUserScriptError:",
            "ExitCode 1",
        ]
    if job.final_status == "Stopped":
        return [f"{_hms(t)} INFO  Received SIGTERM: stopping"]
    if job.kind == TRAINING:
        return [f"{_hms(t)},515 sagemaker-training-toolkit INFO     Waiting for the process to finish and give a return code.",
                f"{_hms(t)},516 sagemaker-training-toolkit INFO     Done waiting for a return code. Received 0 from exiting process.",
                f"{_hms(t)},517 sagemaker-training-toolkit INFO     Reporting training SUCCESS"]
    return [f"{_hms(t)} INFO  Uploading outputs to s3://acme-ml-artifacts-123456789012/{job.name}/output/",
            f"{_hms(t)} INFO  Completed"]
