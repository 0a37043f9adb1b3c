"""GetMetricData answers with timestamps as epoch-second ints, not ``datetime`` objects.

botocore turns every timestamp of an answer into a ``datetime`` with a tzinfo object of its
own (``tzlocal()``, a new one per point): a first full-window fetch of a fleet (90,000 points a
call) built several hundred bytes of objects per point, only for the metric engine to turn
each back into an int. CPython keeps the memory of such a peak for good.

:class:`EpochParserFactory` is registered on a botocore session as its
``response_parser_factory`` component (read when a client is created): the answers of the
operations in :data:`RAW_OUTPUTS` are parsed with :func:`wire_epoch` as the timestamp
parser, whatever the protocol (CloudWatch speaks JSON in this botocore, which sends epoch
numbers; CBOR tags epoch numbers too; the query protocol sends ISO 8601 text); every other
answer is parsed exactly as botocore does by default, ``datetime`` objects included.
"""

from __future__ import annotations

from datetime import datetime, timezone

from botocore.parsers import ResponseParserFactory

#: Output shapes whose timestamps are parsed to epoch-second ints.
RAW_OUTPUTS = frozenset({"GetMetricDataOutput"})


def wire_epoch(value) -> int:
    """A wire timestamp as whole epoch seconds: a number (JSON, CBOR) or ISO 8601 text (query)."""
    if type(value) is int:
        return value
    if isinstance(value, (int, float)):
        return int(value // 1)
    text = str(value).strip()
    try:
        return int(float(text) // 1)
    except ValueError:
        pass
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() // 1)


class EpochParserFactory(ResponseParserFactory):
    """botocore's parser factory, with epoch-int timestamps for the answers in ``raw``."""

    def __init__(self, raw: frozenset[str] = RAW_OUTPUTS) -> None:
        super().__init__()
        self.raw = raw
        self._epoch = ResponseParserFactory()
        self._epoch.set_parser_defaults(timestamp_parser=wire_epoch)

    def set_parser_defaults(self, **kwargs) -> None:
        super().set_parser_defaults(**kwargs)
        kwargs.pop("timestamp_parser", None)
        self._epoch.set_parser_defaults(**kwargs)

    def create_parser(self, protocol_name):
        return _ByOutput(self, protocol_name)

    def parser_for(self, protocol_name: str, shape):
        """The parser of an answer whose output shape is ``shape``."""
        if shape is not None and getattr(shape, "name", None) in self.raw:
            return self._epoch.create_parser(protocol_name)
        return super().create_parser(protocol_name)


class _ByOutput:
    """What the endpoint gets from ``create_parser``: the parser is chosen by the output shape
    handed to :meth:`parse` (the endpoint makes one per answer)."""

    __slots__ = ("_factory", "_protocol")

    def __init__(self, factory: EpochParserFactory, protocol: str) -> None:
        self._factory = factory
        self._protocol = protocol

    def parse(self, response, shape):
        return self._factory.parser_for(self._protocol, shape).parse(response, shape)


def install(core_session) -> None:
    """Make the clients ``core_session`` (a botocore session) creates from now on parse
    :data:`RAW_OUTPUTS` with epoch-int timestamps."""
    core_session.register_component("response_parser_factory", EpochParserFactory())
