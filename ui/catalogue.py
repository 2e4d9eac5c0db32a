"""The Catalogue page's forms: a target's preview (old → new) before it is confirmed, the year-end
files' report and preview, and how a refusal or a saved change is shown.

Every write goes through ``kpicore.store.catalogue``, which checks the role, the reason and the
values again inside its own transaction; this module only prepares and shows. Text typed by people
(names, labels, reasons) is shown in tables or escaped, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from kpicore.access import PermissionDenied
from kpicore.periods import label
from kpicore.problems import Problem, ValidationFailed
from kpicore.rules import NoProposal, proposed_tolerance, targets_in_force
from kpicore.snapshot import Snapshot
from kpicore.store import catalogue as changes
from kpicore.store.catalogue import PROPOSE, READING_CHANGES
from kpicore.vocab import Polarity
from kpicore.workflows import catalogue as year_end
from ui import data, entry
from ui.catalogue_tables import FIELDS, blank, number, old_new, shown
from ui.identity import plain

TOLERANCE_MODES = {
    "proposed": "Proposed",
    "none": "No tolerance (no amber band)",
    "typed": "This value",
}


UNDERSTOOD = "I understand this changes how every past figure is judged"


@dataclass(frozen=True)
class TargetChange:
    """What setting a target from a month would do: the target and tolerance in force at that
    month before, the new ones, and until when (the next entry of the measure, if any)."""

    measure_id: str
    name: str
    unit: str
    period: str
    target: float
    mode: str
    tolerance: float | None
    old_target: float | None
    old_tolerance: float | None
    replaces: bool
    """There is already an entry from this very month: it is corrected (recorded old → new)."""
    until: str | None
    no_proposal: str | None
    """Why no tolerance can be proposed (``NoProposal``), when the proposed one was asked for."""

    @property
    def ready(self) -> bool:
        return self.no_proposal is None

    @property
    def tolerance_argument(self) -> float | str | None:
        """What ``set_target`` is given: ``PROPOSE`` (it proposes the same value), none, or the typed one."""
        return PROPOSE if self.mode == "proposed" else self.tolerance


def proposal(snapshot: Snapshot, measure: pd.Series, target: float | None) -> tuple[float | None, str | None]:
    """The proposed tolerance for ``target`` (or ``None`` and why none can be proposed)."""
    if target is None:
        return None, None
    try:
        return proposed_tolerance(float(target), measure["polarity"], snapshot.settings), None
    except NoProposal as why:
        return None, str(why)


def proposal_rule(snapshot: Snapshot, measure: pd.Series) -> str:
    """How the tolerance is proposed for this measure, with the proposal for the target in force now
    (or why none can be proposed)."""
    polarity = Polarity(measure["polarity"])
    if polarity is Polarity.NEUTRAL:
        return f"Proposed: none for this measure ({proposal(snapshot, measure, 1.0)[1]})."
    side = "below" if polarity is Polarity.HIGHER else "above"
    rule = f"Proposed: {snapshot.settings.default_tolerance:.0%} of the target {side} it, to 0.1"
    target = number(measure["target"])
    current, why = proposal(snapshot, measure, target)
    if target is None:
        return rule + "."
    if why:
        return rule + f"; {why}."
    return rule + f" (for the target in force, {shown(target, measure['unit'])}: {shown(current, measure['unit'])})."


def target_change(snapshot: Snapshot, measure: pd.Series, period: str, target: float, mode: str,
                  typed: float | None) -> TargetChange:
    entries = snapshot.targets[snapshot.targets["measure_id"] == measure["measure_id"]]
    at = targets_in_force(pd.DataFrame({"measure_id": [measure["measure_id"]], "period": [period]}), entries).iloc[0]
    later = entries.loc[entries["from_period"] > period, "from_period"]
    proposed, why = proposal(snapshot, measure, target) if mode == "proposed" else (None, None)
    tolerance = {"proposed": proposed, "none": None, "typed": typed}[mode]
    return TargetChange(
        measure_id=measure["measure_id"], name=measure["name"], unit=measure["unit"], period=period,
        target=float(target), mode=mode, tolerance=number(tolerance),
        old_target=number(at["target"]), old_tolerance=number(at["tolerance"]),
        replaces=bool((entries["from_period"] == period).any()),
        until=str(later.min()) if len(later) else None, no_proposal=why,
    )


def show_target_change(change: TargetChange) -> None:
    """The preview: measure, from when (and until), old target and tolerance → new."""
    unit = change.unit
    until = f", until {label(change.until)} (a later entry applies from then)" if change.until else " onwards"
    what, values = st.columns(2)
    what.markdown(f"**Measure:** {plain(change.name)}  \n**From:** {label(change.period)}{until}")
    values.markdown(
        f"**Target:** {shown(change.old_target, unit)} → {shown(change.target, unit)}  \n"
        f"**Tolerance:** {shown(change.old_tolerance, unit)} → "
        + ("?" if not change.ready else shown(change.tolerance, unit))
        + (" (proposed)" if change.mode == "proposed" and change.ready else "")
    )
    st.markdown(
        f"Old: what is in force at {label(change.period)} now. "
        + (f"This corrects the entry from {label(change.period)}." if change.replaces else "Earlier months keep theirs.")
    )
    if not change.ready:
        st.warning(
            f"No tolerance can be proposed: {plain(change.no_proposal)}. Choose “No tolerance” or give a value, and preview again.",
            icon=":material/warning:",
        )


def target_preview(plan: dict, snapshot: Snapshot, measure: pd.Series, database: Path, *, user: str) -> None:
    """The target form's last submission (``plan``) previewed, then a reason and Confirm (or Cancel)."""
    if plan["target"] is None:
        st.error("Give a target to preview. To end the target from a month, use “End or remove a target”.")
        return
    if plan["mode"] == "typed" and plan["typed"] is None:
        st.error("Give the tolerance value, or choose “Proposed” or “None”.")
        return
    change = target_change(snapshot, measure, plan["period"], plan["target"], plan["mode"], plan["typed"])
    with st.container(border=True):
        st.markdown("**Preview: nothing is saved until you confirm**")
        show_target_change(change)
        if not change.ready:
            return
        reason = st.text_input("Reason for this target (required)", key="target_reason",
                               placeholder="Targets agreed at the April performance board")
        confirm, cancel, _ = st.columns([1, 1, 4])
        if confirm.button("Confirm", type="primary", key="target_confirm"):
            save(
                "target",
                lambda: changes.set_target(database, change.measure_id, change.period, change.target,
                                           change.tolerance_argument, user=user, reason=reason),
                lambda row: (f"Saved: {change.name} from {label(change.period)}: target "
                             f"{shown(row['target'], change.unit)}, tolerance {shown(row['tolerance'], change.unit)}."),
                then=lambda: forget("target_plan", "target_reason"),
            )
        if cancel.button("Cancel", key="target_cancel"):
            forget("target_plan", "target_reason")
            st.rerun()


def forget(*keys: str) -> None:
    """Drop ``keys`` from the session (a finished preview and its reason)."""
    for key in keys:
        st.session_state.pop(key, None)


# --- refusals and saved messages -----------------------------------------------------------------


def problem_text(problem: Problem) -> str:
    where = f"row {problem.row}, " if problem.row is not None else ""
    column = FIELDS.get(problem.column or "", problem.column or "")
    found = f" “{problem.value}”" if problem.value not in ("", "nan", "None") else ""
    return f"{where}{column}{found}: {problem.message}" if column or where else problem.message


def refused(error: Exception) -> None:
    """Say that nothing was changed, with every problem (escaped: it quotes what was typed)."""
    if isinstance(error, ValidationFailed):
        lines = "\n".join(f"- {plain(problem_text(p))}" for p in error.problems)
        st.error(f"Nothing was changed:\n\n{lines}", icon=":material/block:")
    else:
        st.error(f"Nothing was changed: {plain(str(error).strip(chr(39)))}", icon=":material/block:")


def saved(section: str, message: str) -> None:
    """Remember ``message`` for ``section`` and redraw the page with what was just saved."""
    data.clear()
    st.session_state["catalogue_saved"] = (section, plain(message))
    st.rerun()


def show_saved(section: str) -> None:
    """The saved message of the last change, beside the form that made it."""
    if st.session_state.get("catalogue_saved", ("", ""))[0] == section:
        st.success(st.session_state.pop("catalogue_saved")[1], icon=":material/check_circle:")


def save(section: str, action: Callable[[], object], message: Callable[[object], str] | str,
         then: Callable[[], None] | None = None) -> None:
    """Run a write; on refusal show why (nothing was written), else run ``then`` and say what was saved."""
    try:
        result = action()
    except (PermissionDenied, ValueError) as error:  # ValidationFailed is a ValueError too
        refused(error)
    else:
        if then:
            then()
        saved(section, message(result) if callable(message) else message)


def changed(current: pd.Series, edited: dict) -> dict:
    """The fields of ``edited`` that differ from the measure as stored (missing equals missing)."""
    def same(old: object, new: object) -> bool:
        if blank(old) or blank(new):
            return blank(old) and blank(new)
        if isinstance(new, bool) or isinstance(old, bool):
            return bool(old) == bool(new)
        if isinstance(new, (int, float)):
            return float(old) == float(new)
        return str(old) == str(new)

    return {field: value for field, value in edited.items() if not same(current[field], value)}


def reading_changes(changes: dict) -> list[str]:
    """The changed fields that alter how the whole history reads (``READING_CHANGES``), by label."""
    return [FIELDS[f].lower() for f in READING_CHANGES if f in changes]


# --- the year-end files ---------------------------------------------------------------------------


FILE_KINDS = {year_end.TARGETS: "Targets file", year_end.COMPARATORS: "Comparators file"}


TEMPLATES = {year_end.TARGETS: year_end.targets_template, year_end.COMPARATORS: year_end.comparators_template}


PLANS = {year_end.TARGETS: year_end.plan_targets_file, year_end.COMPARATORS: year_end.plan_comparators_file}


COMMITS = {year_end.TARGETS: year_end.commit_targets, year_end.COMPARATORS: year_end.commit_comparators}


CHANGE_WORDS = {"new": "New", "changed": "Changed", "unchanged": "Unchanged"}


def file_preview(plan: year_end.CataloguePlan, snapshot: Snapshot) -> None:
    """What a checked file would write: counts, notes, and each new or changed row (old in force → new)."""
    new, changed_rows, same = (plan.count(s) for s in ("new", "changed", "unchanged"))
    left, middle, right = st.columns(3)
    left.metric("New entries", new)
    middle.metric("Changed entries", changed_rows)
    right.metric("Unchanged", same)
    for note in plan.notes:
        st.info(plain(note), icon=":material/info:")
    rows = plan.to_write
    if rows.empty:
        st.success("Nothing to change: every row of the file is already in force.")
        return
    units = rows["measure_id"].map(snapshot.measures.set_index("measure_id")["unit"])
    table = pd.DataFrame({
        "Row": rows["row"].astype(int).astype(str),
        "Measure": rows["measure"],
        "From": rows["from_period"].map(label),
        "Change": rows["status"].map(CHANGE_WORDS),
    })
    if plan.kind == year_end.TARGETS:
        table["Target"] = [old_new(o, n, u) for o, n, u in zip(rows["old_target"], rows["target"], units)]
        table["Tolerance"] = [
            old_new(o, n, u, " (proposed)" if p else "")
            for o, n, u, p in zip(rows["old_tolerance"], rows["tolerance"], units, rows["proposed"])
        ]
    else:
        table["Value"] = [old_new(o, n, u) for o, n, u in zip(rows["old_value"], rows["value"], units)]
        table["Source"] = [old_new(o, n) for o, n in zip(rows["old_label"], rows["label"])]
    st.markdown("Old: what is in force at each row's month now. Nothing is saved until you confirm.")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Measure": st.column_config.TextColumn(width="large")})


def year_end_file(kind: str, database: Path, snapshot: Snapshot, months: list[str], default: str, *, user: str) -> None:
    """One year-end file: its templates, the upload, the report of problems or the preview, and the confirm."""
    show_saved(kind)
    month, csv, xlsx = st.columns([2, 1, 1], vertical_alignment="bottom")
    start = month.selectbox("Template from month", months, index=months.index(default), format_func=label,
                            key=f"{kind}_template_month")
    for column, fmt in ((csv, "csv"), (xlsx, "xlsx")):
        column.download_button(
            f"Template ({fmt.upper()})", lambda fmt=fmt: TEMPLATES[kind](snapshot, start, fmt),
            file_name=f"{kind}-template-{start}.{fmt}", key=f"{kind}_template_{fmt}", icon=":material/download:",
        )
    attempt = st.session_state.setdefault(f"{kind}_attempt", 0)
    file = st.file_uploader(FILE_KINDS[kind], type=["csv", "xlsx"], key=f"{kind}_file_{attempt}")
    if file is None:
        return
    plan = PLANS[kind](database, file.name, file.getvalue(), user=user)
    if not plan.ok:
        entry.report(plan, key=f"{kind}_problems")
        return
    file_preview(plan, snapshot)
    if plan.to_write.empty:
        return
    reason = st.text_input("Reason for the whole file (required)", key=f"{kind}_reason",
                           placeholder=f"{kind.capitalize()} for the new year agreed at the performance board")
    if st.button("Confirm and save", type="primary", key=f"{kind}_confirm"):
        save(
            kind, lambda: COMMITS[kind](database, plan, user=user, reason=reason),
            lambda counts: f"Saved {file.name}: {counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged.",
            then=lambda: st.session_state.update({f"{kind}_attempt": attempt + 1}),  # a fresh uploader
        )
