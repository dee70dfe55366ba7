"""Public statements set against the findings.

"The Administration did not refuse to comply with a court order" (Leavitt, 16 March 2025)
asserts ``complied_with: [tro-class-oral, tro-class-written]``. It is *contradicted* by a
certain finding against one of those orders for an action certainly before the statement
(GXA6143 landed in Honduras by 21:50 EDT on 15 March instead of returning); *consistent*
when there is no finding at all against them; otherwise *not checkable*: the record can
neither confirm nor refute it (only possible findings, or actions that may have come after
the statement), and a statement asserting nothing checkable is never checkable.
"""

from __future__ import annotations

from habeas.domain import Statement
from habeas.law.certainty import Tri, at_or_before
from habeas.law.context import Context
from habeas.law.evidence import evidence
from habeas.law.findings import Finding, StatementVerdict


def contradicts(finding: Finding, statement: Statement) -> bool:
    """A certain finding against an order the statement says was obeyed, for an action
    certainly before the statement."""
    asserted = statement.asserts.complied_with if statement.asserts else ()
    return (finding.order in asserted and finding.certainty == "certain"
            and at_or_before(finding.at, statement.at) is Tri.CERTAIN)


def verdicts(ctx: Context, findings: list[Finding]) -> list[StatementVerdict]:
    out = []
    for sid, statement in ctx.case.statements.items():
        asserted = statement.asserts.complied_with if statement.asserts else ()
        against = [f for f in findings if f.order in asserted]
        against = [f for f in against if at_or_before(f.at, statement.at) is not Tri.NO]
        contra = [f for f in against if contradicts(f, statement)]
        if not asserted:
            verdict, reason, cited = "not_checkable", "It asserts nothing the record can " \
                "be set against.", []
        elif contra:
            verdict, cited = "contradicted", contra
            reason = (f"It says {', '.join(asserted)} {'was' if len(asserted) == 1 else 'were'}"
                      f" obeyed; {len(contra)} certain finding(s) against "
                      f"{'it' if len(asserted) == 1 else 'them'} concern actions before it.")
        elif not against:
            verdict, reason, cited = "consistent", "No finding, certain or possible, " \
                "concerns the orders it names before it.", []
        else:
            verdict, cited = "not_checkable", against
            reason = ("The findings against the orders it names are only possible, or may "
                      "concern actions after it.")
        out.append(StatementVerdict(
            sid, statement.speaker, statement.at, statement.text, verdict,  # type: ignore[arg-type]
            tuple(f.id for f in cited), reason,
            events=(evidence(ctx.case, "statements", sid),)))
    return sorted(out, key=lambda v: (v.at.earliest, v.id))
