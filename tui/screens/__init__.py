"""The app's screens: the live overview, each resource kind's drill-down screens, the key help
and the problems list. Import each from its own module: the package imports nothing, so the
first frame does not wait for screens that are not shown yet.
"""
