"""The resource-kind registry (tui/model/kinds.py) is the one place per kind: every pane, alias,
lister, column set, row builder, screen and policy action comes from it or covers exactly it."""

from __future__ import annotations

from collections import Counter

import pytest

from tui.aws.discovery import inventory as discovery
from tui.aws.guard import IAM_ACTIONS
from tui.model.catalog import Kind
from tui.model.columns import COLUMNS
from tui.model.kinds import (KIND_FIELDS, KINDS, PANE_ALIASES, PANE_KINDS, PANES, Pane, kind_spec, pane_named,
                             pane_of_kind, spec_of)
from tui.model.overview import ROW_BUILDERS
from tui.model.resources import Endpoint, Inventory, Job
from tui.screens.registry import screen_class


def test_every_kind_has_exactly_one_spec():
    counts = Counter(spec.kind for spec in KINDS)
    assert all(n == 1 for n in counts.values()), counts
    # every resource kind metrics belong to has a spec, except the workteam (account-level
    # Ground Truth counts, shown on the Labeling pane's summary, not a listed resource)
    assert set(counts) == set(Kind) - {Kind.WORKTEAM}


def test_every_pane_has_one_spec_and_lists_a_kind():
    assert set(PANES) == set(Pane)
    assert all(PANE_KINDS[pane] for pane in Pane)
    assert {k for kinds in PANE_KINDS.values() for k in kinds} == {spec.kind for spec in KINDS}


def test_panes_and_kinds_name_real_inventory_fields():
    inv = Inventory()
    for pane, spec in PANES.items():
        assert isinstance(getattr(inv, spec.field), list), pane
    assert set(KIND_FIELDS.values()) == {spec.field for spec in PANES.values()}


def test_aliases_come_from_the_specs_and_do_not_collide():
    every = [alias for spec in PANES.values() for alias in spec.aliases]
    assert len(every) == len(set(every)), Counter(every).most_common(3)
    assert not set(every) & {p.value for p in Pane}
    for alias, pane in PANE_ALIASES.items():
        assert pane_named(alias) is pane
        assert pane_named(":" + alias.upper()) is pane
    assert pane_named("pip") is Pane.PIPELINES
    assert pane_named("nonsense") is None


def test_discovery_has_one_lister_per_kind_and_names_its_operation():
    assert set(discovery.LISTERS) == {spec.kind for spec in KINDS}
    assert set(discovery.KINDS) == {spec.kind.value for spec in KINDS} | {discovery.ALARM}
    for spec in KINDS:
        # the listing operation is allowed by the read-only policy the README prints
        assert f"{spec.service}:{spec.operation}" in IAM_ACTIONS, spec.operation
        # the names discovery accepts for a kind include its pane's field and its aliases
        assert spec.kind.value in discovery.normalize_kinds([PANES[spec.pane].field])
        for alias in spec.aliases:
            assert discovery.normalize_kinds([alias]) == (spec.kind.value,)


def test_every_pane_has_columns_and_a_row_builder():
    assert set(COLUMNS) == set(Pane)
    assert set(ROW_BUILDERS) == set(Pane)


def test_every_kind_opens_its_own_screen():
    seen = set()
    for spec in KINDS:
        module, name = spec.screen
        cls = screen_class(_sample(spec))
        assert cls is not None and cls.__name__ == name and cls.__module__ == module, spec.kind
        seen.add(cls)
    assert len(seen) == len({spec.screen for spec in KINDS})


def test_a_resource_finds_its_spec():
    job = Job(kind=Kind.PROCESSING_JOB, name="x", status="InProgress")
    assert spec_of(job).kind is Kind.PROCESSING_JOB
    assert spec_of(Endpoint(name="e", status="InService")).kind is Kind.ENDPOINT
    assert spec_of(object()) is None
    assert kind_spec("training-job").noun == "training job"
    assert kind_spec("not-a-kind") is None
    assert pane_of_kind(Kind.TRANSFORM_JOB) is Pane.JOBS


def _sample(spec):
    """A minimal resource of ``spec``'s class, built from the dataclass's required fields."""
    import dataclasses

    values = {}
    for f in dataclasses.fields(spec.resource):
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            values[f.name] = spec.kind if f.name == "kind" else ("x" if f.type in ("str", str) else None)
    return spec.resource(**values)


@pytest.mark.parametrize("pane", list(Pane))
def test_pane_titles_come_from_the_registry(pane):
    assert pane.title == PANES[pane].title
    assert PANES[pane].empty.startswith("No ")


def test_alarms_are_a_kind_of_the_registry():
    """The Alarms pane lists CloudWatch alarms through the same registry as every SageMaker kind."""
    from tui.model.resources import Alarm

    spec = kind_spec(Kind.ALARM)
    assert spec.pane is Pane.ALARMS and spec.resource is Alarm and spec.service == "cloudwatch"
    assert PANE_KINDS[Pane.ALARMS] == (Kind.ALARM,)
    assert discovery.normalize_kinds(["alarms"]) == (Kind.ALARM.value,)
    assert pane_named("alarms") is Pane.ALARMS and pane_named("al") is Pane.ALARMS
    assert spec_of(Alarm(name="a", state="OK")) is spec
    assert screen_class(Alarm(name="a", state="OK")).__name__ == "AlarmScreen"
