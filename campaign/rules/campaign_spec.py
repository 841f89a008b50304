"""What a campaign is made of, as plain data, and what makes it runnable.

Seed data, crew proposals and admin edits all build a ``CampaignSpec`` and pass it through
``validate`` before a campaign is written, so one set of rules decides what is allowed.

The rows of a campaign (action types, teams, milestones, beneficiaries) are dataclasses whose
fields carry their rule in ``metadata`` (a ``Rule``): what the field is, its limits, and its
key in JSON. Checking a row (``check_row``), reading it from and writing it to JSON
(``row_from_json``/``row_json``), to a model's columns (``row_values``/``row_from_model``) and
to a form (``form_values``/``row_from_form``) are all derived from that one field list, so a
new column is added in one place. Dataclasses rather than pydantic or attrs: the rules layer
stays on the standard library, and the field metadata is all the derivation needs.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from campaign.errors import Invalid
from campaign.rules import text
from campaign.rules.states import CampaignKind, Evidence, MessageRule

# --- Named limits (forms, proposals, admin edits and the models use these) ------------------

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SLUG_MAX = 80
SLUG = re.compile(rf"^[a-z0-9][a-z0-9-]{{1,{SLUG_MAX - 1}}}$")
# Words the site's own addresses use where a slug goes (/admin/campaigns/new is a page, not a
# campaign called "new"), and a few it is likely to: a campaign there could never be reached,
# or would be shadowed by the next route. tests/web/test_reserved_slugs.py walks the URL map
# and fails when a route puts a fixed word in a slug's place that is missing here.
RESERVED_SLUGS = frozenset(
    {"new", "edit", "export", "import", "search", "settings", "drafts", "archive", "feed"}
)
MAX_WON = 10**13  # 10조원: far beyond any campaign; keeps arithmetic and columns safe
MAX_COUNT = 10**12
MAX_ID = 2**63 - 1
TITLE_MAX = 120
SUMMARY_MAX = 300
STORY_MAX = 5000
LABEL_MAX = 80  # an action type's or a milestone's label
TEAM_NAME_MAX = 60
EMOJI_MAX = 8
UNIT_NAME_MAX = 20
SHARE_MAX = 1_000_000
MATCH_PERCENT_MAX = 1000
DRAW_WINNERS_MAX = 1000
COUNTER_SHARDS_MAX = 64
# How far ahead a campaign may be scheduled; also keeps date arithmetic far from overflow.
PLANNING_HORIZON = timedelta(days=2 * 366)
LONGEST_RUN = timedelta(days=366)
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2999, 12, 31)


# --- Row fields and their rules ---------------------------------------------------------------


class Kind(enum.Enum):
    CODE = "code"  # CODE format; generated, so never in a form
    TEXT = "text"  # one line, at most ``high`` characters
    NUMBER = "number"  # a whole number from ``low`` to ``high``
    CHOICE = "choice"  # a member of ``choices``
    FLAG = "flag"
    REFERENCE = "reference"  # a code of another row, checked by the campaign as a whole


@dataclass(frozen=True)
class Rule:
    kind: Kind
    low: int = 0
    high: int = 0
    required: bool = True  # TEXT: not blank; NUMBER: not None
    choices: type[enum.Enum] | None = None
    key: str | None = None  # the JSON and form key, when not the field's name
    in_form: bool = True


RULE = "rule"


def _field(rule: Rule, default: Any = MISSING) -> Any:
    return field(default=default, metadata={RULE: rule})


def _code() -> Any:
    return _field(Rule(Kind.CODE, in_form=False))


def _text(limit: int, *, required: bool = True) -> Any:
    return _field(Rule(Kind.TEXT, high=limit, required=required), "")


def _number(low: int, high: int, default: Any = MISSING, *, required: bool = True) -> Any:
    return _field(Rule(Kind.NUMBER, low, high, required=required), default)


def _choice(default: enum.Enum) -> Any:
    return _field(Rule(Kind.CHOICE, choices=type(default)), default)


def _flag() -> Any:
    return _field(Rule(Kind.FLAG), False)


def _reference(key: str) -> Any:
    return _field(Rule(Kind.REFERENCE, key=key, in_form=False), None)


@dataclass(frozen=True)
class ActionTypeSpec:
    code: str = _code()
    label: str = _text(LABEL_MAX)
    worth_won: int = _number(0, MAX_WON, 0)
    worth_stamps: int = _number(0, MAX_COUNT, 0)
    daily_cap: int | None = _number(1, MAX_COUNT, None, required=False)
    total_cap: int | None = _number(1, MAX_COUNT, None, required=False)
    evidence: Evidence = _choice(Evidence.NONE)  # noqa: RUF009 (a field specifier)
    evidence_unique: bool = _flag()
    # A cheer that carries a short message shown on the campaign's cheer wall (rules/cheers.py).
    message: MessageRule = _choice(MessageRule.NONE)  # noqa: RUF009 (a field specifier)


@dataclass(frozen=True)
class TeamSpec:
    code: str = _code()
    name: str = _text(TEAM_NAME_MAX)
    emoji: str = _text(EMOJI_MAX, required=False)


@dataclass(frozen=True)
class MilestoneSpec:
    threshold: int = _number(1, MAX_COUNT)
    amount_won: int = _number(0, MAX_WON, 0)
    label: str = _text(LABEL_MAX, required=False)


@dataclass(frozen=True)
class BeneficiarySpec:
    partner_id: int = _number(1, MAX_ID)
    share: int = _number(1, SHARE_MAX, 1)
    team_code: str | None = _reference("team")


Row = ActionTypeSpec | TeamSpec | MilestoneSpec | BeneficiarySpec
R = TypeVar("R", ActionTypeSpec, TeamSpec, MilestoneSpec, BeneficiarySpec)


def _rule(f: Field[Any]) -> Rule:
    return f.metadata[RULE]


def _key(f: Field[Any]) -> str:
    return _rule(f).key or f.name


def check_row(row: Row, name: str) -> None:
    """Raise Invalid naming ``name`` (the list the row is in) unless each field of ``row``
    keeps its rule. What depends on other rows or the campaign is checked by ``validate``."""
    for f in fields(row):
        rule, value = _rule(f), getattr(row, f.name)
        if rule.kind is Kind.CODE and not CODE.match(value or ""):
            raise Invalid(name, "code_format")
        if rule.kind is Kind.TEXT:
            text.clean_text(value, name, rule.high, required=rule.required)
        if rule.kind is Kind.NUMBER:
            whole(value, name, rule.low, rule.high, optional=not rule.required)


def row_json(row: Row) -> dict[str, Any]:
    """The row as JSON values (an enum as its value), under the JSON keys."""
    return {
        _key(f): value.value if isinstance(value, enum.Enum) else value
        for f in fields(row)
        for value in [getattr(row, f.name)]
    }


def row_from_json(cls: type[R], data: Mapping[str, Any]) -> R:
    """The row ``row_json`` wrote. A field without a default must be there (KeyError); an
    absent or empty value takes the default; a choice outside its enum is a ValueError."""
    values: dict[str, Any] = {}
    for f in fields(cls):
        rule, value = _rule(f), data.get(_key(f))
        if value is None or (value == "" and rule.kind is Kind.CHOICE):
            value = data[_key(f)] if f.default is MISSING else f.default
        if rule.kind in (Kind.CODE, Kind.TEXT):
            value = str(value or "")
        elif rule.kind is Kind.CHOICE and rule.choices is not None:
            value = rule.choices(value)
        elif rule.kind is Kind.FLAG:
            value = bool(value)
        values[f.name] = value
    return cls(**values)


def _trimmed(value: Any) -> Any:
    # Exactly str: a StrEnum member (a kind, an evidence rule) must stay a member.
    return value.strip() if type(value) is str else value


def row_values(row: Row) -> dict[str, Any]:
    """The row as a model's column values (texts trimmed)."""
    return {f.name: _trimmed(value) for f in fields(row) for value in [getattr(row, f.name)]}


def row_from_model(cls: type[R], model: object) -> R:
    """The row a model stores under the same names (not BeneficiarySpec: it stores a team id)."""
    return cls(**{f.name: getattr(model, f.name) for f in fields(cls)})


def form_values(row: Row) -> dict[str, Any]:
    """The row's values for a form's sub-form (generated codes left out)."""
    data = row_json(row)
    return {_key(f): data[_key(f)] for f in fields(row) if _rule(f).in_form}


def row_from_form(cls: type[R], data: Mapping[str, Any], **generated: Any) -> R:
    """The row a posted sub-form describes; ``generated`` gives what the form does not ask
    (a code). Empty inputs take the field's default."""
    keys = {_key(f) for f in fields(cls) if _rule(f).in_form}
    typed = {k: _trimmed(v) for k, v in data.items() if k in keys}
    return row_from_json(cls, {**typed, **generated})


# --- The campaign -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSpec:
    slug: str
    title: str
    kind: CampaignKind
    goal_won: int
    starts_at: datetime
    ends_at: datetime  # exclusive: see rules.calendar.end_bound
    summary: str = ""
    story: str = ""
    internal: bool = False
    purse_won: int | None = None
    unit_name: str | None = None
    unit_name_en: str | None = None
    stamps_per_unit: int | None = None
    won_per_unit: int | None = None
    match_percent: int = 0
    match_per_person_won: int | None = None
    topup_won: int = 0
    draw_winners: int = 0
    counter_shards: int = 1
    action_types: tuple[ActionTypeSpec, ...] = ()
    teams: tuple[TeamSpec, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()
    beneficiaries: tuple[BeneficiarySpec, ...] = field(default_factory=tuple)


def whole(value: Any, name: str, low: int, high: int, *, optional: bool = False) -> Any:
    """``value`` if it is a whole number from ``low`` to ``high`` (or None, if ``optional``);
    Invalid naming ``name`` otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(name, "not_a_number")
    if not low <= value <= high:
        raise Invalid(name, "out_of_range", min=low, max=high)
    return value


def _line(value: str, name: str, limit: int, *, required: bool = True) -> None:
    if required and not (value or "").strip():
        raise Invalid(name, "required")
    if len(value or "") > limit:
        raise Invalid(name, "too_long", max=limit)


def check_days(starts_on: date, ends_on: date, today: date) -> None:
    """The dates (KST days, the end inclusive) of a campaign being scheduled on ``today``:
    within the calendar, not in the past, not beyond the planning horizon, in order, and no
    longer than a campaign may run. Proposals and admin edits both pass through here."""
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise Invalid(name, "date_range")
    if ends_on < starts_on:
        raise Invalid("ends_on", "date_order")
    if starts_on < today:
        raise Invalid("starts_on", "date_past")
    if starts_on > today + PLANNING_HORIZON:
        raise Invalid("starts_on", "date_far")
    if ends_on - starts_on > LONGEST_RUN:
        raise Invalid("ends_on", "run_too_long")


def validate(spec: CampaignSpec, *, names: Mapping[str, str] | None = None) -> None:
    """Raise Invalid (naming the field) unless ``spec`` describes a campaign that can run.
    ``names`` renames a spec field to the caller's (a proposal's ``starts_on``)."""
    try:
        _validate(spec)
    except Invalid as exc:
        if not names or exc.field not in names:
            raise
        params = {k: v for k, v in exc.params.items() if k not in ("field", "reason")}
        raise Invalid(names[exc.field], exc.reason, **params) from exc


def _validate(spec: CampaignSpec) -> None:
    if not SLUG.match(spec.slug or ""):
        raise Invalid("slug", "slug_format")
    if spec.slug in RESERVED_SLUGS:
        raise Invalid("slug", "slug_reserved")
    _line(spec.title, "title", TITLE_MAX)
    _line(spec.summary, "summary", SUMMARY_MAX, required=False)
    _line(spec.story, "story", STORY_MAX, required=False)
    _line(spec.unit_name or "", "unit_name", UNIT_NAME_MAX, required=False)
    _line(spec.unit_name_en or "", "unit_name_en", UNIT_NAME_MAX, required=False)
    whole(spec.goal_won, "goal_won", 1, MAX_WON)
    whole(spec.purse_won, "purse_won", 0, MAX_WON, optional=True)
    whole(spec.topup_won, "topup_won", 0, MAX_WON)
    whole(spec.match_percent, "match_percent", 0, MATCH_PERCENT_MAX)
    whole(spec.match_per_person_won, "match_per_person_won", 0, MAX_WON, optional=True)
    whole(spec.draw_winners, "draw_winners", 0, DRAW_WINNERS_MAX)
    whole(spec.counter_shards, "counter_shards", 1, COUNTER_SHARDS_MAX)
    if spec.ends_at <= spec.starts_at:
        raise Invalid("ends_at", "date_order")
    if (spec.stamps_per_unit is None) != (spec.won_per_unit is None):
        raise Invalid("stamps_per_unit", "unit_rate_incomplete")
    if spec.stamps_per_unit is not None:
        whole(spec.stamps_per_unit, "stamps_per_unit", 1, MAX_COUNT)
        whole(spec.won_per_unit, "won_per_unit", 0, MAX_WON)
    _validate_action_types(spec)
    _validate_teams(spec)
    _validate_milestones(spec)
    _validate_beneficiaries(spec)


def _unique(values: list[Any], name: str, reason: str) -> None:
    if len(set(values)) != len(values):
        raise Invalid(name, reason)


def _validate_action_types(spec: CampaignSpec) -> None:
    if spec.kind != CampaignKind.FUNDRAISER and not spec.action_types:
        raise Invalid("action_types", "required")
    _unique([t.code for t in spec.action_types], "action_types", "duplicate_code")
    for action in spec.action_types:
        check_row(action, "action_types")
        if action.worth_stamps and spec.stamps_per_unit is None:
            raise Invalid("action_types", "stamps_without_rate")
        if action.evidence_unique and action.evidence == Evidence.NONE:
            raise Invalid("action_types", "unique_without_evidence")


def _validate_teams(spec: CampaignSpec) -> None:
    if spec.kind == CampaignKind.TEAM and len(spec.teams) < 2:
        raise Invalid("teams", "two_teams")
    _unique([t.code for t in spec.teams], "teams", "duplicate_code")
    for team in spec.teams:
        check_row(team, "teams")
    if spec.draw_winners and not spec.teams:
        raise Invalid("draw_winners", "draw_needs_teams")


def _validate_milestones(spec: CampaignSpec) -> None:
    _unique([m.threshold for m in spec.milestones], "milestones", "duplicate_threshold")
    for milestone in spec.milestones:
        check_row(milestone, "milestones")


def _validate_beneficiaries(spec: CampaignSpec) -> None:
    if not spec.beneficiaries:
        raise Invalid("beneficiaries", "required")
    _unique([b.partner_id for b in spec.beneficiaries], "beneficiaries", "duplicate_partner")
    team_codes = {t.code for t in spec.teams}
    for beneficiary in spec.beneficiaries:
        check_row(beneficiary, "beneficiaries")
        if beneficiary.team_code is not None and beneficiary.team_code not in team_codes:
            raise Invalid("beneficiaries", "unknown_team")


ROW_FIELDS = ("action_types", "teams", "milestones", "beneficiaries")


def campaign_values(spec: CampaignSpec) -> dict[str, Any]:
    """The campaign's own column values (its rows aside), texts trimmed."""
    return {
        f.name: _trimmed(value)
        for f in fields(spec)
        if f.name not in ROW_FIELDS
        for value in [getattr(spec, f.name)]
    }


def spec_from_model(campaign: Any) -> CampaignSpec:
    """A stored campaign (anything with the spec's attributes and rows) as a spec again."""
    teams = {team.id: team.code for team in campaign.teams}
    return CampaignSpec(
        **{
            f.name: getattr(campaign, f.name)
            for f in fields(CampaignSpec)
            if f.name not in ROW_FIELDS
        },
        action_types=tuple(row_from_model(ActionTypeSpec, a) for a in campaign.action_types),
        teams=tuple(row_from_model(TeamSpec, t) for t in campaign.teams),
        milestones=tuple(row_from_model(MilestoneSpec, m) for m in campaign.milestones),
        beneficiaries=tuple(
            BeneficiarySpec(b.partner_id, b.share, teams.get(b.team_id) if b.team_id else None)
            for b in campaign.beneficiaries
        ),
    )


# --- The campaign as JSON (the API's campaign detail, api/campaign_json.py) -------------------

# Detail keys that group several spec fields: {outer key: {inner key: spec field}}.
NESTED_JSON = {
    "unit_rate": {
        "stamps_per_unit": "stamps_per_unit",
        "won_per_unit": "won_per_unit",
        "unit_name": "unit_name",
        "unit_name_en": "unit_name_en",
    },
    "match": {
        "percent": "match_percent",
        "per_person_won": "match_per_person_won",
        "topup_won": "topup_won",
    },
}
_ROW_CLASSES: dict[str, type[Row]] = {
    "action_types": ActionTypeSpec,
    "teams": TeamSpec,
    "milestones": MilestoneSpec,
}


def spec_from_json(data: Any) -> CampaignSpec:
    """The campaign a JSON document in the shape of the API's campaign detail describes.

    What the detail reports but a new campaign cannot take (status, opened_at, links, …) is
    ignored. Raises Invalid naming the field when a value has the wrong type or a row the
    wrong shape; whether the campaign can run is for ``validate``.
    """
    if not isinstance(data, Mapping):
        raise Invalid("campaign", "not_an_object")
    flat: dict[str, Any] = dict(data)
    for outer, inner in NESTED_JSON.items():
        part = data.get(outer)
        if part is None:
            continue
        if not isinstance(part, Mapping):
            raise Invalid(outer, "not_an_object")
        flat.update({name: part.get(key) for key, name in inner.items()})
    values: dict[str, Any] = {}
    for f in fields(CampaignSpec):
        if f.name in ROW_FIELDS:
            continue
        value = flat.get(f.name)
        if value is None:
            if f.default is MISSING and f.default_factory is MISSING:
                raise Invalid(f.name, "required")
            continue
        values[f.name] = _json_value(f.name, str(f.type), value)
    rows = {name: _json_rows(flat.get(name), name, cls) for name, cls in _ROW_CLASSES.items()}
    beneficiaries = tuple(
        _beneficiary(row) for row in _json_list(flat.get("beneficiaries"), "beneficiaries")
    )
    return CampaignSpec(**values, **rows, beneficiaries=beneficiaries)


def _json_value(name: str, annotation: str, value: Any) -> Any:
    if annotation.startswith("str"):
        if not isinstance(value, str):
            raise Invalid(name, "not_a_string")
        return value
    if annotation == "bool":
        if not isinstance(value, bool):
            raise Invalid(name, "bad_shape")
        return value
    if annotation == "datetime":
        return _instant(value, name)
    if annotation == "CampaignKind":
        try:
            return CampaignKind(value)
        except ValueError as exc:
            raise Invalid(name, "choice") from exc
    return value  # a number: ``validate`` checks it is a whole one in range


def _instant(value: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Invalid(name, "datetime_format")
    return moment


def _json_list(value: Any, name: str) -> list[Mapping[str, Any]]:
    rows = [] if value is None else value
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise Invalid(name, "bad_shape")
    return rows


def _json_rows(value: Any, name: str, cls: type[R]) -> tuple[R, ...]:
    try:
        return tuple(row_from_json(cls, row) for row in _json_list(value, name))
    except (KeyError, ValueError, TypeError) as exc:
        raise Invalid(name, "bad_shape") from exc


def _beneficiary(row: Mapping[str, Any]) -> BeneficiarySpec:
    """A beneficiary as the detail shows it: ``{"partner": {"id": 3}, "share": 1, "team": …}``."""
    partner = row.get("partner")
    partner_id = partner.get("id") if isinstance(partner, Mapping) else row.get("partner_id")
    team = row.get("team")
    if team is not None and not isinstance(team, str):
        raise Invalid("beneficiaries", "bad_shape")
    share = row.get("share")
    return BeneficiarySpec(partner_id, 1 if share is None else share, team)
