"""API usage counters and the CloudWatch cost estimate shown in the status bar.

GetMetricData is billed per metric requested ($0.01 per 1,000), not per call or point;
ListMetrics and the other CloudWatch reads are billed per 1,000 requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Public price, USD per metric requested by GetMetricData.
PRICE_PER_METRIC = 0.01 / 1000
#: Public price, USD per ListMetrics / DescribeAlarms / GetMetricStatistics request.
PRICE_PER_REQUEST = 0.01 / 1000


@dataclass
class Usage:
    """Counters for one refresh, or for the whole run."""

    api_calls: int = 0
    metric_data_calls: int = 0
    metrics_requested: int = 0
    datapoints: int = 0
    billable_requests: int = 0  # CloudWatch reads billed per request (ListMetrics, ...)
    by_operation: dict[str, int] = field(default_factory=dict)

    def add(self, other: "Usage") -> None:
        self.api_calls += other.api_calls
        self.metric_data_calls += other.metric_data_calls
        self.metrics_requested += other.metrics_requested
        self.datapoints += other.datapoints
        self.billable_requests += other.billable_requests
        for op, n in other.by_operation.items():
            self.by_operation[op] = self.by_operation.get(op, 0) + n

    def count_call(self, operation: str) -> None:
        self.api_calls += 1
        self.by_operation[operation] = self.by_operation.get(operation, 0) + 1

    @property
    def cost(self) -> float:
        """Estimated USD for what these counters record."""
        return self.metrics_requested * PRICE_PER_METRIC + self.billable_requests * PRICE_PER_REQUEST


def cost_per_day(usage: Usage, elapsed_seconds: float) -> float:
    """Extrapolate ``usage`` accrued over ``elapsed_seconds`` to USD per day."""
    if elapsed_seconds <= 0:
        return 0.0
    return usage.cost * 86400.0 / elapsed_seconds
