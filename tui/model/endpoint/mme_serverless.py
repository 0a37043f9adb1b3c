"""The endpoint screen's multi-model loading and serverless tables, one metric a row.

Multi-model: cache hit ratio, loaded models, model loads, the wait, download, load and unload
times. Serverless: cold starts and their setup time, concurrency against the maximum, memory.
Pure Python.
"""

from __future__ import annotations

from tui.model.catalog import Unit
from tui.model.cells import CRIT, OK, WARN, Row, util_level
from tui.model.drill_views import max_text, metric_row, total_text
from tui.model.endpoint.keys import VariantDetailKeys
from tui.model.format import MISSING, format_age, format_count, format_per_minute, percent
from tui.model.overview import pct_of_ratio
from tui.model.plan import endpoint_variants
from tui.model.readings import latest, newest, recent_rate
from tui.model.resources import Endpoint
from tui.model.series import SeriesStore
from tui.model.window_readers import grid, series_period, window_max, window_mean, window_sum


def mme_rows(ep: Endpoint, store: SeriesStore, now: int) -> list[Row]:
    """Multi-model loading: cache hit ratio, loaded models, wait/download/load/unload times."""
    if not ep.multi_model:
        return []
    rows = []
    vks = [VariantDetailKeys.of(ep, v) for v in endpoint_variants(ep)]
    for vk in vks:
        pre = f"{vk.name}: " if len(vks) > 1 else ""
        period = series_period(store, [vk.cache_hit])
        hit = latest(store, vk.cache_hit, now)
        hit_pct = pct_of_ratio(hit)
        mean_hit = window_mean(store, vk.cache_hit, now)
        hit_level = "" if hit_pct is None else (CRIT if hit_pct < 50 else WARN if hit_pct < 80 else OK)
        rows.append(metric_row(f"mme:{vk.name}:cache", pre + "Cache hit ratio", hit_pct, Unit.PERCENT,
                               level=hit_level,
                               window_text="" if mean_hit is None else f"mean {mean_hit * 100:.1f}%",
                               spark=[pct_of_ratio(v) for v in grid(store, vk.cache_hit, now, period)]))
        loaded = latest(store, vk.loaded_models, now)
        rows.append(metric_row(f"mme:{vk.name}:loaded", pre + "Loaded models per instance", loaded, Unit.NONE,
                               window_text=max_text(window_max(store, vk.loaded_models, now)),
                               spark=grid(store, vk.loaded_models, now, period)))
        loads = window_sum(store, vk.loads, now)
        rows.append(metric_row(f"mme:{vk.name}:loads", pre + "Model loads (cache misses)",
                               recent_rate(store, vk.loads, now).per_minute, Unit.NONE,
                               now_text=format_per_minute(recent_rate(store, vk.loads, now).per_minute),
                               window_text=total_text(loads),
                               spark=grid(store, vk.loads, now, period)))
        for key, label, wmax in ((vk.loading_wait, "Request wait for a model load", vk.loading_wait_max),
                                 (vk.downloading, "Model download from S3", None),
                                 (vk.loading, "Model load into the container", None),
                                 (vk.unloading, "Model unload", None)):
            top = window_max(store, wmax, now) if wmax is not None else window_max(store, key, now)
            rows.append(metric_row(f"mme:{vk.name}:{key.metric}", pre + label, latest(store, key, now), key.unit,
                                   stat=key.stat, window_text=max_text(top, key.unit),
                                   spark=grid(store, key, now, period)))
    return rows


def serverless_rows(ep: Endpoint, store: SeriesStore, now: int) -> list[Row]:
    """Serverless: cold starts and their setup time, memory, concurrency against the maximum."""
    rows = []
    vks = [vk for vk in (VariantDetailKeys.of(ep, v) for v in endpoint_variants(ep)) if vk.serverless]
    for vk in vks:
        pre = f"{vk.name}: " if len(vks) > 1 else ""
        period = series_period(store, [vk.invocations])
        colds = window_sum(store, vk.cold_starts, now)
        last = newest(store, vk.cold_starts, now, fresh=None)
        text = "none" if colds is None else f"{format_count(colds)} in all"
        if last is not None:
            text += f", last {format_age(last[0], now)} ago"
        # "Now" is the recent rate, like every count of the table; the window's total is beside it
        recent = recent_rate(store, vk.cold_starts, now).per_minute
        if recent is None and store.get(vk.cold_starts) is not None:
            recent = 0.0  # fetched, no point lately: no cold start lately
        rows.append(metric_row(f"sls:{vk.name}:cold", pre + "Cold starts (ModelSetupTime)", recent, Unit.NONE,
                               now_text=format_per_minute(recent) if recent is not None else MISSING,
                               window_text=text, spark=grid(store, vk.cold_starts, now, period)))
        rows.append(metric_row(f"sls:{vk.name}:setup", pre + "Setup time per cold start",
                               latest(store, vk.setup_avg, now, fresh=None), vk.setup_avg.unit,
                               stat=vk.setup_avg.stat,
                               window_text=max_text(window_max(store, vk.setup_max, now), vk.setup_max.unit),
                               spark=grid(store, vk.setup_avg, now, period)))
        conc = latest(store, vk.concurrency, now)
        cap = vk.variant.serverless_max_concurrency if vk.variant else None
        use = percent(conc, cap) if cap else None
        level = "" if use is None else (CRIT if use >= 100 else WARN if use >= 80 else "")
        rows.append(metric_row(f"sls:{vk.name}:conc", pre + "Concurrent requests", conc, Unit.NONE, level=level,
                               window_text=(f"of {cap} max" + (f" ({use:.0f}%)" if use is not None else ""))
                               if cap else "", spark=grid(store, vk.concurrency, now, period)))
        mem = latest(store, vk.memory, now)
        size = vk.variant.serverless_memory_mb if vk.variant else None
        rows.append(metric_row(f"sls:{vk.name}:mem", pre + "Memory", mem, Unit.PERCENT,
                               level=util_level("MemoryUtilization", mem),
                               window_text=f"of {size:,} MB" if size else "",
                               spark=grid(store, vk.memory, now, period)))
    return rows
