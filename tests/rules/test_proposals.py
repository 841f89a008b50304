"""The proposal state machine (every action × state × person) and what a proposal must say."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest

from campaign.errors import Forbidden, IllegalTransition, Invalid
from campaign.rules.calendar import end_bound, start_of_day
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    BeneficiarySpec,
    MilestoneSpec,
    TeamSpec,
)
from campaign.rules.proposals import (
    Capacity,
    ProposalAction,
    ProposalDraft,
    ProposedRules,
    allowed,
    can_see,
    capacities,
    check,
    clean_comment,
    clean_draft,
    rules_from_json,
    rules_to_json,
    to_spec,
)
from campaign.rules.states import CampaignKind, Evidence, ProposalStatus

S = ProposalStatus
A = ProposalAction

# Who someone is towards a proposal, as (is_author, is_crew, is_admin).
PEOPLE = {
    "author": (True, True, False),
    "admin_author": (True, True, True),  # an admin who wrote it: still only its author
    "crew": (False, True, False),
    "admin": (False, True, True),
    "user": (False, False, False),
}

# Written out by hand from the issue (not derived from the code under test): who may take each
# step, and from which state to which (None: the state stays).
MAY = {
    A.EDIT: {"author", "admin_author"},
    A.SUBMIT: {"author", "admin_author"},
    A.WITHDRAW: {"author", "admin_author"},
    A.ENDORSE: {"crew", "admin"},
    A.COMMENT: {"author", "admin_author", "crew", "admin"},
    A.APPROVE: {"admin"},
    A.RETURN: {"admin"},
    A.REJECT: {"admin"},
}
MOVES = {
    A.EDIT: {S.DRAFT: None, S.RETURNED: None},
    A.SUBMIT: {S.DRAFT: S.SUBMITTED, S.RETURNED: S.SUBMITTED},
    A.WITHDRAW: {S.SUBMITTED: S.WITHDRAWN},
    A.ENDORSE: {S.SUBMITTED: None, S.RETURNED: None},
    A.COMMENT: {S.SUBMITTED: None, S.RETURNED: None},
    A.APPROVE: {S.SUBMITTED: S.APPROVED},
    A.RETURN: {S.SUBMITTED: S.RETURNED},
    A.REJECT: {S.SUBMITTED: S.REJECTED},
}


def held(person: str) -> frozenset[Capacity]:
    is_author, is_crew, is_admin = PEOPLE[person]
    return capacities(is_author=is_author, is_crew=is_crew, is_admin=is_admin)


@pytest.mark.parametrize(("action", "status", "person"), list(itertools.product(A, S, PEOPLE)))
def test_every_step_for_every_person_in_every_state(
    action: ProposalAction, status: ProposalStatus, person: str
) -> None:
    if person not in MAY[action]:
        with pytest.raises(Forbidden):
            check(action, status, held(person))
    elif status not in MOVES[action]:
        with pytest.raises(IllegalTransition):
            check(action, status, held(person))
    else:
        assert check(action, status, held(person)) == MOVES[action][status]


@pytest.mark.parametrize(("status", "person"), list(itertools.product(S, PEOPLE)))
def test_allowed_lists_exactly_the_steps_check_accepts(status: ProposalStatus, person: str) -> None:
    expected = {a for a in A if person in MAY[a] and status in MOVES[a]}
    assert allowed(status, held(person)) == expected


@pytest.mark.parametrize(
    ("status", "person", "sees"),
    [
        (S.DRAFT, "author", True),
        (S.DRAFT, "admin_author", True),
        (S.DRAFT, "crew", False),
        (S.DRAFT, "admin", False),
        (S.DRAFT, "user", False),
        *[(s, p, p != "user") for s in S if s != S.DRAFT for p in PEOPLE],
    ],
)
def test_who_sees_a_proposal(status: ProposalStatus, person: str, sees: bool) -> None:
    assert can_see(status, held(person)) is sees


def test_nobody_outside_the_crew_plays_any_part() -> None:
    assert capacities(is_author=True, is_crew=False, is_admin=False) == frozenset()
    assert held("admin") == {Capacity.COLLEAGUE, Capacity.REVIEWER}
    assert held("admin_author") == {Capacity.AUTHOR}


# --- What a proposal says -------------------------------------------------------------------

TODAY = date(2026, 11, 25)
RULES = ProposedRules(
    summary="응원 한 번에 200원",
    beneficiaries=(BeneficiarySpec(7, 2), BeneficiarySpec(8, 1)),
    action_types=(ActionTypeSpec("a1", "응원하기", worth_won=200, daily_cap=3),),
    purse_won=10_000_000,
)
CHEER = ProposalDraft(
    title="연탄 나눔 응원",
    kind=CampaignKind.CHEER,
    cause="난방이 어려운 이웃에게\n연탄을 전합니다.",
    goal_won=10_000_000,
    starts_on=TODAY + timedelta(days=7),
    ends_on=TODAY + timedelta(days=20),
    rules=RULES,
)


def test_a_complete_proposal_becomes_a_campaign_spec() -> None:
    spec = to_spec(CHEER, slug="briquettes", today=TODAY)
    assert spec.slug == "briquettes"
    assert spec.kind == CampaignKind.CHEER
    assert spec.starts_at == start_of_day(date(2026, 12, 2))
    assert spec.ends_at == end_bound(date(2026, 12, 15))
    assert spec.story == CHEER.cause
    assert spec.summary == "응원 한 번에 200원"
    assert spec.action_types == RULES.action_types
    assert [(b.partner_id, b.share) for b in spec.beneficiaries] == [(7, 2), (8, 1)]
    assert spec.internal is False
    assert (spec.match_percent, spec.topup_won) == (0, 0)


def test_a_fundraiser_is_internal_and_keeps_only_its_own_rules() -> None:
    draft = replace(
        CHEER,
        kind=CampaignKind.FUNDRAISER,
        rules=replace(
            RULES,
            match_percent=100,
            match_per_person_won=100_000,
            topup_won=100_000_000,
            teams=(TeamSpec("t1", "댕댕이"),),
            milestones=(MilestoneSpec(100, 1_000),),
        ),
    )
    spec = to_spec(draft, slug="crew-flood-relief", today=TODAY)
    assert spec.internal is True
    assert spec.action_types == () and spec.teams == () and spec.milestones == ()
    assert (spec.match_percent, spec.match_per_person_won, spec.topup_won) == (
        100,
        100_000,
        100_000_000,
    )
    assert spec.purse_won == 10_000_000  # the company's match budget


def test_a_team_fight_keeps_its_teams_and_team_beneficiaries() -> None:
    draft = replace(
        CHEER,
        kind=CampaignKind.TEAM,
        rules=replace(
            RULES,
            teams=(TeamSpec("t1", "댕댕이", "🐶"), TeamSpec("t2", "냥냥이", "🐱")),
            beneficiaries=(BeneficiarySpec(7, 1, "t1"), BeneficiarySpec(8, 1, "t2")),
            milestones=(MilestoneSpec(50_000, 10_000_000),),
        ),
    )
    spec = to_spec(draft, slug="dangnyang", today=TODAY)
    assert [t.code for t in spec.teams] == ["t1", "t2"]
    assert [b.team_code for b in spec.beneficiaries] == ["t1", "t2"]
    # In any other kind a beneficiary stands for no team.
    cheer = to_spec(replace(draft, kind=CampaignKind.CHEER), slug="x-cheer", today=TODAY)
    assert cheer.teams == () and [b.team_code for b in cheer.beneficiaries] == [None, None]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"cause": "  "}, "cause", "required"),
        ({"goal_won": None}, "goal_won", "required"),
        ({"starts_on": None}, "starts_on", "required"),
        ({"ends_on": None}, "ends_on", "required"),
        ({"starts_on": TODAY - timedelta(days=1)}, "starts_on", "date_past"),
        (
            {"starts_on": TODAY + timedelta(days=800), "ends_on": TODAY + timedelta(days=810)},
            "starts_on",
            "date_far",
        ),
        (
            {"starts_on": TODAY, "ends_on": TODAY + timedelta(days=400)},
            "ends_on",
            "run_too_long",
        ),
        ({"ends_on": TODAY + timedelta(days=6)}, "ends_on", "date_order"),
        ({"rules": replace(RULES, beneficiaries=())}, "beneficiaries", "required"),
        ({"rules": replace(RULES, action_types=())}, "action_types", "required"),
        (
            {"rules": replace(RULES, beneficiaries=(BeneficiarySpec(7), BeneficiarySpec(7)))},
            "beneficiaries",
            "duplicate_partner",
        ),
        (
            {"rules": replace(RULES, action_types=(ActionTypeSpec("a1", "도장", worth_stamps=1),))},
            "action_types",
            "stamps_without_rate",
        ),
        ({"kind": CampaignKind.TEAM}, "teams", "two_teams"),
    ],
)
def test_an_incomplete_proposal_says_which_field(
    changes: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(Invalid) as caught:
        to_spec(replace(CHEER, **changes), slug="briquettes", today=TODAY)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_a_starting_day_of_today_is_fine() -> None:
    assert to_spec(replace(CHEER, starts_on=TODAY), slug="today", today=TODAY).starts_at == (
        start_of_day(TODAY)
    )


def test_a_bad_slug_is_named() -> None:
    with pytest.raises(Invalid) as caught:
        to_spec(CHEER, slug="Not A Slug", today=TODAY)
    assert (caught.value.field, caught.value.reason) == ("slug", "slug_format")


def test_a_draft_may_be_incomplete_but_not_malformed() -> None:
    bare = ProposalDraft(title="  아이디어   하나 ", kind=CampaignKind.STAMP)
    clean = clean_draft(bare)
    assert clean.title == "아이디어 하나"
    assert clean.goal_won is None and clean.rules == ProposedRules()


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"title": " "}, "title", "required"),
        ({"title": "가" * 121}, "title", "too_long"),
        ({"title": "a\x00b"}, "title", "bad_characters"),
        ({"cause": "가" * 5001}, "cause", "too_long"),
        ({"cause": "a\x1bb"}, "cause", "bad_characters"),
        ({"goal_won": 0}, "goal_won", "out_of_range"),
        ({"goal_won": 10**14}, "goal_won", "out_of_range"),
        ({"goal_won": "100"}, "goal_won", "not_a_number"),
        ({"starts_on": date(1999, 12, 31)}, "starts_on", "date_range"),
        ({"ends_on": date(9999, 12, 31)}, "ends_on", "date_range"),
        ({"ends_on": TODAY}, "ends_on", "date_order"),
        ({"rules": replace(RULES, purse_won=-1)}, "purse_won", "out_of_range"),
        ({"rules": replace(RULES, match_percent=1001)}, "match_percent", "out_of_range"),
        ({"rules": replace(RULES, topup_won=-5)}, "topup_won", "out_of_range"),
        ({"rules": replace(RULES, summary="가" * 301)}, "summary", "too_long"),
        (
            {"rules": replace(RULES, action_types=(ActionTypeSpec("a1", "x", worth_won=-1),))},
            "action_types",
            "out_of_range",
        ),
        (
            {"rules": replace(RULES, milestones=tuple(MilestoneSpec(n, 1) for n in range(1, 8)))},
            "milestones",
            "too_many",
        ),
        (
            {"rules": replace(RULES, beneficiaries=(BeneficiarySpec(7, 0),))},
            "beneficiaries",
            "out_of_range",
        ),
    ],
)
def test_malformed_drafts_are_refused(changes: dict[str, object], field: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_draft(replace(CHEER, **changes))
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_rules_survive_the_round_trip_through_json() -> None:
    rules = replace(
        RULES,
        action_types=(
            ActionTypeSpec(
                "a1",
                "종이 우편 신고",
                worth_stamps=2,
                daily_cap=5,
                total_cap=50,
                evidence=Evidence.REQUIRED,
                evidence_unique=True,
            ),
        ),
        teams=(TeamSpec("t1", "댕댕이", "🐶"),),
        milestones=(MilestoneSpec(50_000, 10_000_000, "첫 목표"),),
        beneficiaries=(BeneficiarySpec(7, 3, "t1"),),
        unit_name="그루",
        stamps_per_unit=40,
        won_per_unit=5_000,
        match_percent=100,
        match_per_person_won=100_000,
        topup_won=1,
    )
    assert rules_from_json(rules_to_json(rules)) == rules
    assert rules_from_json(None) == ProposedRules()


@pytest.mark.parametrize(
    "data",
    [
        {"beneficiaries": "all of them"},
        {"beneficiaries": [{"share": 1}]},
        {"action_types": [{"code": "a1", "evidence": "maybe"}]},
        {"teams": [1, 2]},
        ["not", "an", "object"],
    ],
)
def test_details_of_an_unknown_shape_are_refused(data: object) -> None:
    with pytest.raises(Invalid) as caught:
        rules_from_json(data)  # type: ignore[arg-type]
    assert caught.value.reason == "bad_details"


@pytest.mark.parametrize(
    ("raw", "result"),
    [("  좋아요!\n함께해요  ", "좋아요!\n함께해요"), ("a\tb", "a\tb")],
)
def test_comments_keep_their_lines(raw: str, result: str) -> None:
    assert clean_comment(raw, "body", 2000) == result


@pytest.mark.parametrize(("raw", "reason"), [("   ", "required"), ("a\x00", "bad_characters")])
def test_bad_comments_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_comment(raw, "body", 2000)
    assert caught.value.reason == reason
