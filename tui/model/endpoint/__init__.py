"""What the endpoint, inference-component and endpoint-instance screens show, as pure data.

One module per job: :mod:`~tui.model.endpoint.keys` (the series and reads each screen
requests), :mod:`~tui.model.endpoint.facts` (the endpoint's summary), :mod:`~tui.model.endpoint.variants`
(the variants table), :mod:`~tui.model.endpoint.charts` (the endpoint's charts),
:mod:`~tui.model.endpoint.mme_serverless` (multi-model loading and serverless cold starts),
:mod:`~tui.model.endpoint.components` (an inference component's screen),
:mod:`~tui.model.endpoint.enhanced` (what ListMetrics found per instance and GPU, the publishing
period, their series keys) and :mod:`~tui.model.endpoint.instance_grid` (the instances and GPU
grids, charts and facts). Import each from its own module. Nothing here imports Textual or boto3.
"""
