"""An observation has three shapes (the loaded fact, the snapshot record, the JSON view);
they carry the same values, so a field added to one cannot silently go missing in another
(the snapshot once lacked the starting price)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from conftest import DATA

from matchgraph.engine import Engine
from matchgraph.loaders.dispatch import read_document
from matchgraph.loaders.models import Observation
from matchgraph.queries.snapshot import ObservationRecord
from matchgraph.queries.views.artifact import ObservationView


def test_the_three_shapes_carry_the_same_values() -> None:
    facts = set(Observation.model_fields) - {"artifact", "line"}
    record = {f.name for f in dataclasses.fields(ObservationRecord)} - {"artifact", "source"}
    view = set(ObservationView.model_fields) - {"source"}
    assert facts == record == view


def test_a_starting_price_reaches_the_snapshot_and_the_view(tmp_path: Path) -> None:
    passport = json.loads((DATA / "passports" / "whisper-cpp.json").read_text(encoding="utf-8"))
    passport["unfragile"]["artifact"]["pricing"]["starting_price"] = "$9.50/month"
    page = tmp_path / "priced.json"
    page.write_text(json.dumps(passport), encoding="utf-8")
    document = read_document(page)
    stated = {o.artifact: o.starting_price for o in document.observations if o.starting_price}
    assert set(stated.values()) == {"$9.50/month"}
    engine = Engine.open(tmp_path / "store")
    try:
        engine.store.load([document])
        snapshot = {o.artifact: o.starting_price for o in engine.snapshot().observations if o.starting_price}
        assert set(stated.values()) <= set(snapshot.values())
        slug = next(iter(snapshot))
        shown = engine.show(slug)
        assert {o.starting_price for o in shown.observations} & set(stated.values())
    finally:
        engine.close()
