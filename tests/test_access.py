"""The authorisation matrix: every write path × every role, through the core and the CLI.

(The pages are in ``test_pages_submit.py``.) An allowed write changes the
database; a refused one raises ``PermissionDenied`` (exit code 3 on the command
line, or a row-by-row report for figures) and leaves it exactly as it was.
"""

import pandas as pd
import pytest

from kpicore import access, store
from kpicore.access import PermissionDenied
from kpicore.cli import main
from kpicore.vocab import Role
from tests.entry import ADMIN, FILES, OTHER, OWNER, STRANGER, VIEWER, dump, writable_db
from tests.files.make_files import NOT_OWNED, OWNED

ACTORS = [ADMIN, OWNER, OTHER, VIEWER, STRANGER, "not an e-mail"]


def figure(measure_id: str) -> pd.DataFrame:
    return pd.DataFrame({"measure_id": [measure_id], "period": ["2022-12"], "value": [80.0]})


def _file(db, measure_id: str):
    path = db.parent / "figure.csv"
    path.write_text(f"measure_id,period,value\n{measure_id},2022-12,80\n", encoding="utf-8")
    return path


# Each write path: how the core does it, how the CLI does it, and who may.
WRITES = {
    "submit own measure": (
        lambda db, who: store.record_figures(db, figure(OWNED[0]), user=who, source="form"),
        lambda db, who: ["import", str(FILES / "long-valid.csv"), "--user", who],
        {ADMIN, OWNER},
    ),
    "submit someone else's measure": (
        lambda db, who: store.record_figures(db, figure(NOT_OWNED), user=who, source="upload"),
        lambda db, who: ["import", str(_file(db, NOT_OWNED)), "--user", who],
        {ADMIN, OTHER},
    ),
    "lock a month": (
        lambda db, who: store.lock(db, "2022-11", user=who, reason="signed off"),
        lambda db, who: ["lock", "2022-11", "--reason", "signed off", "--user", who],
        {ADMIN},
    ),
    "unlock a month": (
        lambda db, who: store.unlock(db, "2022-10", user=who, reason="reopened"),
        lambda db, who: ["unlock", "2022-10", "--reason", "reopened", "--user", who],
        {ADMIN},
    ),
    "add a user": (
        lambda db, who: store.save_user(db, "new@council.gov.uk", role="data_owner", user=who),
        lambda db, who: ["users", "add", "new@council.gov.uk", "--role", "data_owner", "--user", who],
        {ADMIN},
    ),
    "promote oneself": (
        lambda db, who: store.save_user(db, who, role="admin", user=who),
        lambda db, who: ["users", "add", who, "--role", "admin", "--user", who],
        {ADMIN},
    ),
    "remove a user": (
        lambda db, who: store.remove_user(db, VIEWER, user=who),
        lambda db, who: ["users", "remove", VIEWER, "--user", who],
        {ADMIN},
    ),
    "give a measure": (
        lambda db, who: store.set_measures(db, OWNER, [NOT_OWNED], user=who, mode="add"),
        lambda db, who: ["users", "own", OWNER, NOT_OWNED, "--user", who],
        {ADMIN},
    ),
    "take a measure": (
        lambda db, who: store.set_measures(db, OWNER, [OWNED[0]], user=who, mode="remove"),
        lambda db, who: ["users", "disown", OWNER, OWNED[0], "--user", who],
        {ADMIN},
    ),
}
CASES = [(write, who) for write in WRITES for who in ACTORS]


@pytest.fixture
def db(tmp_path):
    path = writable_db(tmp_path)
    store.lock(path, "2022-10", user=ADMIN, reason="signed off in November")
    return path


@pytest.mark.parametrize(("write", "who"), CASES)
def test_core(db, write, who):
    core, _, allowed = WRITES[write]
    before = dump(db)
    if who in allowed:
        core(db, who)
        assert dump(db) != before
    else:
        with pytest.raises(PermissionDenied):
            core(db, who)
        assert dump(db) == before


@pytest.mark.parametrize(("write", "who"), CASES)
def test_cli(db, write, who, capsys):
    _, cli, allowed = WRITES[write]
    before = dump(db)
    code = main(["--db", str(db), *cli(db, who)])
    error = capsys.readouterr().err
    if who in allowed:
        assert code == 0, error
        assert dump(db) != before
    else:
        assert code != 0
        assert "Not allowed" in error or "you do not own this measure" in error
        assert dump(db) == before


def test_an_owner_uploading_someone_elses_measure_sees_which_row(db, capsys):
    assert main(["--db", str(db), "import", str(FILES / "not-owned.csv"), "--user", OWNER]) == 1
    error = capsys.readouterr().err
    assert f"not-owned.csv row 3, column measure_id: '{NOT_OWNED}' you do not own this measure" in error


def test_a_viewer_is_told_they_are_not_allowed(db, capsys):
    assert main(["--db", str(db), "import", str(FILES / "long-valid.csv"), "--user", VIEWER]) == 3
    assert "viewers cannot submit figures" in capsys.readouterr().err


def test_the_last_administrator_stays(db):
    with pytest.raises(PermissionDenied, match="last administrator"):
        store.save_user(db, ADMIN, role="viewer", user=ADMIN)
    with pytest.raises(PermissionDenied, match="last administrator"):
        store.remove_user(db, ADMIN, user=ADMIN)
    store.save_user(db, OWNER, role="admin", user=ADMIN)
    store.remove_user(db, ADMIN, user=OWNER)
    assert store.account(db, ADMIN).role is Role.VIEWER and not store.account(db, ADMIN).registered


def test_a_viewer_owns_nothing_and_demotion_drops_ownership(db):
    with pytest.raises(ValueError, match="must be registered as a data owner"):
        store.set_measures(db, VIEWER, [OWNED[0]], user=ADMIN)
    store.save_user(db, OWNER, role="viewer", user=ADMIN)
    assert store.account(db, OWNER).measures == frozenset()


def test_accounts_and_checks():
    owner = access.Account(OWNER, Role.DATA_OWNER, measures=frozenset(OWNED[:1]), registered=True)
    assert owner.can_submit and owner.may_submit(OWNED[0]) and not owner.may_submit(NOT_OWNED)
    assert not access.Account(STRANGER).can_submit
    access.require_submit(owner, OWNED[:1])
    with pytest.raises(PermissionDenied, match=NOT_OWNED):
        access.require_submit(owner, [OWNED[0], NOT_OWNED])
    with pytest.raises(PermissionDenied, match="only an administrator"):
        access.require_locked_write(owner, ["2022-10"], "a reason")
    with pytest.raises(ValueError):
        access.normalise_email("nobody")
    assert access.normalise_email("  Olive@Council.GOV.uk ") == "olive@council.gov.uk"


def test_admin_actions_are_logged(db):
    store.save_user(db, "new@council.gov.uk", role="data_owner", name="New", user=ADMIN)
    events = store.admin_events(db)
    assert events.iloc[0][["recorded_by", "action", "subject"]].tolist() == [ADMIN, "save_user", "new@council.gov.uk"]
    assert "lock" in set(events["action"])
