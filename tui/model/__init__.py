"""Pure Python state: the metric catalog, time series, resources, hosts and health.

Nothing in this package imports Textual or boto3.
"""
