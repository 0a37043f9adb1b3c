"""The demo's metrics: CloudWatch datapoints for every resource of the fleet, simulated,
recorded and published.

For one publishing period (a real minute, or ten real seconds for endpoints with enhanced
metrics) :class:`.simulator.Simulator` produces the datapoints that SageMaker would publish, as
PutMetricData datums grouped by namespace. Metric names, namespaces and dimension names all
come from :mod:`tui.model.catalog`; this package only decides *values* (with the generators of
:mod:`tui.demo.shapes`) and *which* catalog metrics apply to which resource.

How values are shaped as CloudWatch sees them:

* counts of requests (Invocations, errors, cache hits) are statistic sets of 0/1 samples, so
  Sum is the count and Average the rate, as SageMaker publishes them;
* latencies are raw ``Values`` (a fixed set of quantiles of the period's distribution), so
  CloudWatch computes percentiles (p50, p99) from them;
* utilizations are one value per instance, so Average and Maximum across instances work;
* pipeline and labeling-job events are published in the period they happen.

Every datum put is also recorded (:class:`.record.PutRecord`) so tests can compute the value
CloudWatch must return for any series, statistic and period (:meth:`.record.PutRecord.expected`).
Timestamps are real time; scenario state is read at the scenario time of the period (see
:mod:`tui.demo.clock`).

Modules: :mod:`.samples` (what a datum carries), :mod:`.batch` (one period's datums),
:mod:`.base` and one module per resource family (:mod:`.endpoints`, :mod:`.jobs`,
:mod:`.pipelines`, :mod:`.labeling`, :mod:`.feature_store`, :mod:`.recommender`), put together
by :mod:`.simulator`; :mod:`.record` (what was put) and :mod:`.publisher` (PutMetricData).
"""
