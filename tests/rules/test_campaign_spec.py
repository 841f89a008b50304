"""What makes a campaign spec runnable: one table row per rule it can break."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from campaign.errors import Invalid
from campaign.rules import campaign_spec as spec_rules
from campaign.rules.campaign_spec import (
    MAX_WON,
    ActionTypeSpec,
    BeneficiarySpec,
    CampaignSpec,
    MilestoneSpec,
    TeamSpec,
    validate,
)
from campaign.rules.states import CampaignKind, Evidence

START = datetime(2026, 11, 1, tzinfo=UTC)
CHEER = ActionTypeSpec("cheer", "응원하기", worth_won=100)
DOG, CAT = TeamSpec("dog", "댕댕이", "🐶"), TeamSpec("cat", "냥냥이", "🐱")
BASE = CampaignSpec(
    slug="green-2026",
    title="그린 챌린지",
    kind=CampaignKind.CHEER,
    goal_won=1_000_000,
    starts_at=START,
    ends_at=START + timedelta(days=10),
    action_types=(CHEER,),
    beneficiaries=(BeneficiarySpec(1),),
)
STAMPS = replace(
    BASE,
    kind=CampaignKind.STAMP,
    stamps_per_unit=40,
    won_per_unit=5_000,
    action_types=(ActionTypeSpec("switch", "전자문서 전환", worth_stamps=10),),
)
TEAM = replace(BASE, kind=CampaignKind.TEAM, teams=(DOG, CAT))


def act(**fields: object) -> ActionTypeSpec:
    return replace(CHEER, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec",
    [
        BASE,
        STAMPS,
        TEAM,
        replace(TEAM, draw_winners=20, beneficiaries=(BeneficiarySpec(1, 1, "dog"),)),
        replace(BASE, kind=CampaignKind.FUNDRAISER, action_types=(), match_percent=100),
        replace(BASE, purse_won=0),
        replace(BASE, purse_won=MAX_WON, counter_shards=64),
        replace(BASE, milestones=(MilestoneSpec(50_000, 10_000_000), MilestoneSpec(1, 0))),
        replace(BASE, action_types=(act(evidence=Evidence.REQUIRED, evidence_unique=True),)),
        replace(STAMPS, won_per_unit=0),
    ],
)
def test_runnable_specs_pass(spec: CampaignSpec) -> None:
    validate(spec)


@pytest.mark.parametrize(
    ("spec", "field", "reason"),
    [
        (replace(BASE, slug=""), "slug", "slug_format"),
        (replace(BASE, slug="Green"), "slug", "slug_format"),
        (replace(BASE, slug="a"), "slug", "slug_format"),
        (replace(BASE, slug="green_2026"), "slug", "slug_format"),
        (replace(BASE, slug="-green"), "slug", "slug_format"),
        (replace(BASE, slug="new"), "slug", "slug_reserved"),
        (replace(BASE, slug="export"), "slug", "slug_reserved"),
        (replace(BASE, title="  "), "title", "required"),
        (replace(BASE, title="가" * 121), "title", "too_long"),
        (replace(BASE, summary="가" * 301), "summary", "too_long"),
        (replace(BASE, goal_won=0), "goal_won", "out_of_range"),
        (replace(BASE, goal_won=MAX_WON + 1), "goal_won", "out_of_range"),
        (replace(BASE, goal_won=1.5), "goal_won", "not_a_number"),
        (replace(BASE, goal_won=True), "goal_won", "not_a_number"),
        (replace(BASE, goal_won="1000"), "goal_won", "not_a_number"),
        (replace(BASE, purse_won=-1), "purse_won", "out_of_range"),
        (replace(BASE, topup_won=-1), "topup_won", "out_of_range"),
        (replace(BASE, match_percent=1001), "match_percent", "out_of_range"),
        (replace(BASE, match_per_person_won=-1), "match_per_person_won", "out_of_range"),
        (replace(BASE, draw_winners=-1), "draw_winners", "out_of_range"),
        (replace(BASE, counter_shards=0), "counter_shards", "out_of_range"),
        (replace(BASE, counter_shards=65), "counter_shards", "out_of_range"),
        (replace(BASE, ends_at=START), "ends_at", "date_order"),
        (replace(BASE, ends_at=START - timedelta(seconds=1)), "ends_at", "date_order"),
        (replace(STAMPS, won_per_unit=None), "stamps_per_unit", "unit_rate_incomplete"),
        (replace(BASE, won_per_unit=100), "stamps_per_unit", "unit_rate_incomplete"),
        (replace(STAMPS, stamps_per_unit=0), "stamps_per_unit", "out_of_range"),
        (replace(STAMPS, won_per_unit=-1), "won_per_unit", "out_of_range"),
        (replace(BASE, action_types=()), "action_types", "required"),
        (replace(BASE, action_types=(CHEER, CHEER)), "action_types", "duplicate_code"),
        (replace(BASE, action_types=(act(code="Cheer"),)), "action_types", "code_format"),
        (replace(BASE, action_types=(act(code="a" * 41),)), "action_types", "code_format"),
        (replace(BASE, action_types=(act(label=" "),)), "action_types", "required"),
        (replace(BASE, action_types=(act(label="x" * 81),)), "action_types", "too_long"),
        (replace(BASE, action_types=(act(worth_won=-1),)), "action_types", "out_of_range"),
        (replace(BASE, action_types=(act(worth_stamps=-1),)), "action_types", "out_of_range"),
        (replace(BASE, action_types=(act(daily_cap=0),)), "action_types", "out_of_range"),
        (replace(BASE, action_types=(act(total_cap=0),)), "action_types", "out_of_range"),
        (replace(BASE, action_types=(act(worth_stamps=5),)), "action_types", "stamps_without_rate"),
        (
            replace(BASE, action_types=(act(evidence_unique=True),)),
            "action_types",
            "unique_without_evidence",
        ),
        (replace(TEAM, teams=(DOG,)), "teams", "two_teams"),
        (replace(TEAM, teams=(DOG, DOG)), "teams", "duplicate_code"),
        (replace(TEAM, teams=(DOG, replace(CAT, code="Cat"))), "teams", "code_format"),
        (replace(TEAM, teams=(DOG, replace(CAT, name=""))), "teams", "required"),
        (replace(TEAM, teams=(DOG, replace(CAT, emoji="🐱" * 9))), "teams", "too_long"),
        (replace(BASE, draw_winners=3), "draw_winners", "draw_needs_teams"),
        (
            replace(BASE, milestones=(MilestoneSpec(10, 1), MilestoneSpec(10, 2))),
            "milestones",
            "duplicate_threshold",
        ),
        (replace(BASE, milestones=(MilestoneSpec(0, 1),)), "milestones", "out_of_range"),
        (replace(BASE, milestones=(MilestoneSpec(10, -1),)), "milestones", "out_of_range"),
        (replace(BASE, milestones=(MilestoneSpec(10, 1, "x" * 81),)), "milestones", "too_long"),
        (replace(BASE, beneficiaries=()), "beneficiaries", "required"),
        (
            replace(BASE, beneficiaries=(BeneficiarySpec(1), BeneficiarySpec(1))),
            "beneficiaries",
            "duplicate_partner",
        ),
        (replace(BASE, beneficiaries=(BeneficiarySpec(1, 0),)), "beneficiaries", "out_of_range"),
        (
            replace(BASE, beneficiaries=(BeneficiarySpec(1, 1, "dog"),)),
            "beneficiaries",
            "unknown_team",
        ),
    ],
)
def test_each_broken_rule_names_its_field_and_reason(
    spec: CampaignSpec, field: str, reason: str
) -> None:
    with pytest.raises(Invalid) as raised:
        validate(spec)
    assert (raised.value.field, raised.value.reason) == (field, reason)


# --- One field list: checks and conversions derived from it ----------------------------------

ROWS = [
    spec_rules.ActionTypeSpec(
        "edoc", "전자고지", 1000, 2, 1, 5, Evidence.REQUIRED, evidence_unique=True
    ),
    spec_rules.TeamSpec("dog", "멍멍", "🐶"),
    spec_rules.MilestoneSpec(100, 50_000, "첫 100번"),
    spec_rules.BeneficiarySpec(7, 3, "dog"),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: type(row).__name__)
def test_a_row_survives_json_model_and_form(row: spec_rules.Row) -> None:
    cls = type(row)
    assert spec_rules.row_from_json(cls, spec_rules.row_json(row)) == row
    if cls is not spec_rules.BeneficiarySpec:  # it stores a team id, not a code
        model = SimpleNamespace(**spec_rules.row_values(row))
        assert spec_rules.row_from_model(cls, model) == row
        generated = {"code": row.code} if hasattr(row, "code") else {}
        form = spec_rules.form_values(row)
        assert "code" not in form
        assert spec_rules.row_from_form(cls, form, **generated) == row


def test_json_keys_and_values_are_the_api_shape() -> None:
    action, _team, _milestone, beneficiary = ROWS
    assert spec_rules.row_json(action)["evidence"] == "required"
    assert spec_rules.row_json(beneficiary) == {"partner_id": 7, "share": 3, "team": "dog"}


def test_empty_form_inputs_take_the_defaults() -> None:
    posted = {"label": "  종이 끊기 ", "worth_won": None, "evidence": "", "daily_cap": None}
    row = spec_rules.row_from_form(spec_rules.ActionTypeSpec, posted, code="a1")
    assert row == spec_rules.ActionTypeSpec("a1", "종이 끊기")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (spec_rules.ActionTypeSpec("a1", "가" * (spec_rules.LABEL_MAX + 1)), "too_long"),
        (spec_rules.ActionTypeSpec("a1", ""), "required"),
        (spec_rules.ActionTypeSpec("A 1", "x"), "code_format"),
        (spec_rules.ActionTypeSpec("a1", "x", daily_cap=0), "out_of_range"),
        (spec_rules.TeamSpec("t1", "x", "e" * (spec_rules.EMOJI_MAX + 1)), "too_long"),
        (spec_rules.MilestoneSpec(0, 1), "out_of_range"),
        (spec_rules.BeneficiarySpec(1, spec_rules.SHARE_MAX + 1), "out_of_range"),
    ],
)
def test_check_row_holds_each_field_to_its_named_limit(row: spec_rules.Row, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        spec_rules.check_row(row, "rows")
    assert (caught.value.field, caught.value.reason) == ("rows", reason)
    spec_rules.check_row(ROWS[0], "rows")  # a good row passes


def test_column_values_keep_enum_members_and_trim_text() -> None:
    values = spec_rules.row_values(
        spec_rules.ActionTypeSpec("a1", " 종이 ", evidence=Evidence.OPTIONAL)
    )
    assert values["label"] == "종이"
    assert type(values["evidence"]) is Evidence
    campaign = spec_rules.campaign_values(replace(TEAM, title=" 멍냥 대결 "))
    assert campaign["title"] == "멍냥 대결"
    assert type(campaign["kind"]) is CampaignKind
    assert "teams" not in campaign
