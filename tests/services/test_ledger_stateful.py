"""A state machine drives joins, actions (with caps, evidence and replays), sweeps and a close
against a campaign with a small purse, on both databases, and checks the ledger after each step.

Each step is one transaction: committed when it succeeds, rolled back when refused (as the web
layer does). A simple model predicts every refusal and every grant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaign.errors import (
    CampaignClosed,
    CapReached,
    DomainError,
    DuplicateEvidence,
    IdempotencyKeyReused,
    Invalid,
    NotParticipant,
)
from campaign.models import Action, CampaignKind, CampaignStatus, Pledge, User
from campaign.rules.calendar import kst_day
from campaign.rules.campaign_spec import MilestoneSpec
from campaign.rules.evidence import clean_evidence
from campaign.rules.states import Evidence
from campaign.services import counters
from campaign.services.actions import record_action
from campaign.services.milestones import unlock_reached
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.databases import empty_all_tables
from tests.factories import DAY, NOW, action, make_campaign, make_user
from tests.ledger_facts import milestone_pledges, snapshot

PURSE = 1_000
STAMPS_PER_UNIT, WON_PER_UNIT = 40, 500
ACTIONS = {
    "vote": action("vote", worth_won=10),
    "cheer": action("cheer", worth_won=100, daily_cap=2),
    "switch": action(
        "switch", worth_stamps=30, total_cap=3, evidence=Evidence.REQUIRED, evidence_unique=True
    ),
    "report": action("report", worth_stamps=10, daily_cap=3, evidence=Evidence.OPTIONAL),
}
MILESTONES = ((4, 200), (9, 300), (15, 700))
EVIDENCE = [None, "", "BILL-1", " bill-1 ", "Bill-2", "bill-3", "BILL  3"]
KEYS = [None, None, "k1", "k2", "k3"]
TEAMS = ["dog", "cat"]


@dataclass
class Model:
    closed: bool = False
    joined: dict[int, str] = field(default_factory=dict)  # user index → team
    daily: dict[tuple[int, str, date], int] = field(default_factory=dict)
    total: dict[tuple[int, str], int] = field(default_factory=dict)
    evidence: set[tuple[str, str]] = field(default_factory=set)
    keys: dict[tuple[int, str], tuple[str, str | None, int]] = field(default_factory=dict)
    stamps: int = 0
    actions: int = 0
    actions_at_close: int | None = None


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        empty_all_tables(engine)
        self.session = Session(engine, expire_on_commit=False)
        self.model = Model()

    @initialize(shards=st.sampled_from([1, 3]))
    def create(self, shards: int) -> None:
        self.campaign = make_campaign(
            self.session,
            kind=CampaignKind.TEAM,
            counter_shards=shards,
            purse_won=PURSE,
            stamps_per_unit=STAMPS_PER_UNIT,
            won_per_unit=WON_PER_UNIT,
            actions=tuple(ACTIONS.values()),
            milestones=tuple(MilestoneSpec(t, won) for t, won in MILESTONES),
        )
        self.users: list[User] = [make_user(self.session) for _ in range(3)]
        self.session.commit()
        # Two of three have joined; the third may join (or act without joining) later.
        for who, team in ((0, "dog"), (1, "cat")):
            join(self.session, self.users[who], self.campaign, team, NOW)
            self.model.joined[who] = team
        self.session.commit()

    def teardown(self) -> None:
        self.session.close()

    # --- steps ---------------------------------------------------------------------------------

    @rule(who=st.integers(0, 2), team=st.sampled_from(TEAMS))
    def join(self, who: int, team: str) -> None:
        model = self.model
        try:
            joined = join(self.session, self.users[who], self.campaign, team, NOW)
        except DomainError as error:
            self.session.rollback()
            if model.closed:
                assert isinstance(error, CampaignClosed)
            else:
                assert model.joined.get(who) not in (None, team), error
            return
        self.session.commit()
        assert not model.closed
        assert joined.created == (who not in model.joined)
        model.joined.setdefault(who, team)

    @rule(
        who=st.integers(0, 2),
        code=st.sampled_from(sorted(ACTIONS)),
        evidence=st.sampled_from(EVIDENCE),
        key=st.sampled_from(KEYS),
        day=st.integers(0, 2),
    )
    def record(self, who: int, code: str, evidence: str | None, key: str | None, day: int) -> None:
        self.take_action(who, code, evidence, key, day)

    @rule(
        who=st.integers(0, 1),
        code=st.sampled_from(["vote", "cheer"]),
        key=st.sampled_from(KEYS),
        day=st.integers(0, 1),
    )
    def vote_or_cheer(self, who: int, code: str, key: str | None, day: int) -> None:
        """The common case, drawn more often: a participant votes or cheers."""
        self.take_action(who, code, None, key, day)

    def take_action(
        self, who: int, code: str, evidence: str | None, key: str | None, day: int
    ) -> None:
        model, session = self.model, self.session
        now = NOW + day * DAY
        kind = ACTIONS[code]
        try:
            cleaned, evidence_key = clean_evidence(evidence, kind.evidence, kind.evidence_unique)
        except Invalid:
            cleaned, evidence_key = None, None
        expected = self.expected_refusal(who, code, cleaned, evidence_key, key, now)
        before = snapshot(session)
        totals = counters.totals(session, self.campaign.id)
        try:
            result = record_action(
                session, self.users[who], self.campaign, code, evidence, key, now
            )
        except DomainError as error:
            session.rollback()
            assert snapshot(session) == before
            assert expected is not None and isinstance(error, expected), (error, expected)
            event(f"refused: {error.code}")
            return
        session.commit()
        if key is not None and (who, key) in model.keys:
            # A replay: the first result, and not one row or counter more.
            assert expected is None and result.replayed
            first_code, _, first_id = model.keys[(who, key)]
            assert (result.action.id, result.action_type.code) == (first_id, first_code)
            assert snapshot(session) == before
            event("replayed")
            return
        assert expected is None, f"accepted, but the model expected {expected}"
        assert not result.replayed and not model.closed
        stamps_before = model.stamps
        model.stamps += kind.worth_stamps
        model.actions += 1
        due = kind.worth_won + WON_PER_UNIT * (
            model.stamps // STAMPS_PER_UNIT - stamps_before // STAMPS_PER_UNIT
        )
        assert result.won_due == due
        assert result.won == min(due, totals.purse_left)  # the purse as a whole, to the won
        event("accepted, purse exhausted" if result.purse_exhausted else "accepted")
        # One action at a time: with one counter row or several, the crossing action unlocks.
        crossed = [t for t, _ in MILESTONES if model.actions == t]
        assert [m.threshold for m in result.milestones] == crossed
        self.note_accepted(who, code, cleaned, evidence_key, key, kind, now, result.action.id)

    @rule()
    def sweep(self) -> None:
        unlock_reached(self.session, self.campaign, NOW)
        self.session.commit()
        reached = {t for t, _ in MILESTONES if t <= self.model.actions}
        by_id = {m.id: m.threshold for m in self.campaign.milestones}
        assert {by_id[m] for m in milestone_pledges(self.session, self.campaign.id)} == reached

    @precondition(lambda self: not self.model.closed and self.model.actions >= 10)
    @rule()
    def close(self) -> None:
        self.campaign.status = CampaignStatus.CLOSED
        self.session.commit()
        self.model.closed = True
        self.model.actions_at_close = self.model.actions

    # --- the model -----------------------------------------------------------------------------

    def expected_refusal(
        self,
        who: int,
        code: str,
        cleaned: str | None,
        evidence_key: str | None,
        key: str | None,
        now,
    ) -> type[DomainError] | None:
        model, kind = self.model, ACTIONS[code]
        if kind.evidence == Evidence.REQUIRED and cleaned is None:
            return Invalid
        if key is not None and (who, key) in model.keys:
            first_code, first_evidence, _ = model.keys[(who, key)]
            return None if (first_code, first_evidence) == (code, cleaned) else IdempotencyKeyReused
        if model.closed:
            return CampaignClosed
        if who not in model.joined:
            return NotParticipant
        if kind.daily_cap and model.daily.get((who, code, kst_day(now)), 0) >= kind.daily_cap:
            return CapReached
        if kind.total_cap and model.total.get((who, code), 0) >= kind.total_cap:
            return CapReached
        if evidence_key is not None and (code, evidence_key) in model.evidence:
            return DuplicateEvidence
        return None

    def note_accepted(self, who, code, cleaned, evidence_key, key, kind, now, action_id) -> None:
        model = self.model
        if kind.daily_cap:
            day_key = (who, code, kst_day(now))
            model.daily[day_key] = model.daily.get(day_key, 0) + 1
        if kind.total_cap:
            model.total[(who, code)] = model.total.get((who, code), 0) + 1
        if evidence_key is not None:
            model.evidence.add((code, evidence_key))
        if key is not None:
            model.keys[(who, key)] = (code, cleaned, action_id)

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def the_ledger_holds(self) -> None:
        session = self.session
        if not hasattr(self, "campaign"):
            return
        assert reconcile(session) == []
        totals = counters.totals(session, self.campaign.id)
        assert totals.purse_cap == PURSE
        assert 0 <= totals.sponsor_won <= PURSE
        pledged = session.scalar(select(func.coalesce(func.sum(Pledge.amount_won), 0)))
        assert pledged == totals.raised == totals.sponsor_won
        unlocked = milestone_pledges(session, self.campaign.id)
        assert set(unlocked.values()) <= {1}  # each milestone paid at most once
        thresholds = {m.id: m.threshold for m in self.campaign.milestones}
        assert all(thresholds[m] <= totals.actions for m in unlocked)  # never early
        count = session.scalar(select(func.count()).select_from(Action))
        assert count == totals.actions == self.model.actions
        if self.model.actions_at_close is not None:
            assert count == self.model.actions_at_close  # nothing accepted after the close
        session.commit()  # end the read transaction (nothing written) before the next step


def machine_settings(backend: str) -> settings:
    # Bounded and derandomized: the same sequences on every run, so CI is stable. PostgreSQL
    # statements cost more (a network round trip each), so it runs fewer, equally long, ones.
    return settings(
        max_examples=10 if backend == "sqlite" else 5,
        stateful_step_count=40,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def test_the_ledger_stays_exact_under_any_sequence(engine: Engine, backend: str) -> None:
    run_state_machine_as_test(lambda: LedgerMachine(engine), settings=machine_settings(backend))
