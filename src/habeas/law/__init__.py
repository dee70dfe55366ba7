"""The law engine: orders evaluated against the record (DESIGN.md, "Semantics").

```python
from habeas.law import Engine, Interpretation, Action
engine = Engine(case)
engine.check(action, at, interpretation) -> Decision      # the guard
engine.impact(order_id, at=None, interpretation) -> Impact
engine.audit(as_of=None, interpretation) -> Audit          # .to_json() follows DESIGN.md
```
"""

from habeas.law.engine import Engine
from habeas.law.findings import Audit, Finding, StatementVerdict, findings_schema
from habeas.law.guard import Action, Decision
from habeas.law.impact import Impact
from habeas.law.interpretation import ALL, Interpretation
from habeas.law.matrix import Matrix
from habeas.law.snapshot import Snapshot
from habeas.law.timeline import Timeline

__all__ = [
    "ALL", "Action", "Audit", "Decision", "Engine", "Finding", "Impact", "Interpretation",
    "Matrix", "Snapshot", "StatementVerdict", "Timeline", "findings_schema",
]
