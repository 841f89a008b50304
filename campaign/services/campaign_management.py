"""Admins set up and run campaigns directly: create one, correct its content while it runs,
raise its purse, and start its next season. Every change is in the audit trail.

What may change when (the design, argued in README "Changing a running campaign"):

- before the campaign opens, anything (services/scheduled_edits.py edits a scheduled one);
- while it runs (active or paused), its content (title, summary, story), which decides no ₩,
  and its purse, upwards only: a larger cap only lets more actions be paid, so no counted
  action changes meaning and the ledger needs no revision number;
- anything else (rates, action types, milestones, teams, beneficiaries and their shares, a
  lower purse) would make two actions of the same campaign count under different rules, so it
  is a new campaign linked as the next season: "start the next season" copies this one as it
  is, and a season with other rules is created directly (the web form prefilled from this
  one, or ``flask campaigns create --from FILE --season-of SLUG``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Forbidden, IllegalTransition, Invalid, NotFound
from campaign.models import Campaign, CampaignStatus, User
from campaign.rules.calendar import end_bound, kst_day, last_day, start_of_day
from campaign.rules.campaign_spec import (
    MAX_WON,
    STORY_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    UNIT_NAME_MAX,
    CampaignSpec,
    check_days,
    spec_from_model,
    validate,
    whole,
)
from campaign.rules.proposals import REASON_MAX, clean_line, clean_lines, clean_note
from campaign.services import audit, counters
from campaign.services.campaigns import create_campaign
from campaign.services.progress import progress

RUNNING = frozenset({CampaignStatus.ACTIVE, CampaignStatus.PAUSED})
# Content is the campaign's words: it may be corrected at any time before it is closed.
CONTENT_EDITABLE = frozenset({CampaignStatus.SCHEDULED, *RUNNING})


def _check_admin(admin: User | None) -> None:
    """``None`` is a command run on the server (the CLI), which only an operator can run."""
    if admin is not None and (not admin.is_admin or not admin.is_active):
        raise Forbidden()


def _actor_label(admin: User | None) -> str:
    return "cli" if admin is None else "admin"


def _lock(session: Session, campaign: Campaign) -> Campaign:
    locked = session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound()
    return locked


def _free_predecessor(session: Session, campaign: Campaign) -> Campaign:
    """``campaign`` locked, if it has no next season yet (Invalid "season_taken" otherwise)."""
    locked = _lock(session, campaign)
    if session.scalar(select(Campaign.id).where(Campaign.predecessor_id == locked.id)):
        raise Invalid("slug", "season_taken")
    return locked


def spec_summary(spec: CampaignSpec) -> dict[str, object]:
    """What the audit trail keeps of a new campaign: its money rules, in plain JSON."""
    return {
        "slug": spec.slug,
        "kind": spec.kind.value,
        "title": spec.title,
        "goal_won": spec.goal_won,
        "purse_won": spec.purse_won,
        "starts_at": spec.starts_at.isoformat(),
        "ends_at": spec.ends_at.isoformat(),
        "draw_winners": spec.draw_winners,
        "counter_shards": spec.counter_shards,
        "action_types": len(spec.action_types),
        "milestones": len(spec.milestones),
        "beneficiaries": [[b.partner_id, b.share, b.team_code] for b in spec.beneficiaries],
    }


def create_directly(
    session: Session,
    admin: User | None,
    spec: CampaignSpec,
    now: datetime,
    *,
    season_of: Campaign | None = None,
) -> Campaign:
    """Create a scheduled campaign from ``spec``, with no proposal behind it; audited as
    "campaign.create". Its days follow the rules a proposal's do (not in the past, within the
    planning horizon, at most a year long). With ``season_of`` it is that campaign's next
    season, with whatever rules ``spec`` gives it.

    Forbidden for a non-admin; Invalid naming the field for a spec that cannot run, a slug in
    use, an unknown partner or a campaign that already has a next season; nothing is written.
    """
    _check_admin(admin)
    spec = _clean_texts(spec)
    validate(spec)
    check_days(kst_day(spec.starts_at), last_day(spec.ends_at), kst_day(now))
    predecessor = _free_predecessor(session, season_of) if season_of is not None else None
    campaign = create_campaign(
        session, spec, now=now, created_by=admin, status=CampaignStatus.SCHEDULED
    )
    if predecessor is not None:
        campaign.predecessor_id = predecessor.id
    audit.record(
        session,
        actor=admin,
        action="campaign.create",
        now=now,
        campaign_id=campaign.id,
        before={"predecessor": predecessor.slug} if predecessor is not None else None,
        after=spec_summary(spec),
        actor_label=_actor_label(admin),
    )
    session.flush()
    return campaign


def _clean_texts(spec: CampaignSpec) -> CampaignSpec:
    """The spec's texts trimmed, and refused (Invalid) with control characters in them: a
    file or a form may carry what a page must never show."""
    return replace(
        spec,
        title=clean_line(spec.title, "title", TITLE_MAX),
        summary=clean_line(spec.summary, "summary", SUMMARY_MAX),
        story=clean_lines(spec.story, "story", STORY_MAX),
        unit_name=clean_line(spec.unit_name, "unit_name", UNIT_NAME_MAX) or None,
        unit_name_en=clean_line(spec.unit_name_en, "unit_name_en", UNIT_NAME_MAX) or None,
    )


@dataclass(frozen=True)
class Content:
    """What a campaign says, as opposed to what it pays."""

    title: str
    summary: str
    story: str


def content_of(campaign: Campaign) -> Content:
    return Content(campaign.title, campaign.summary, campaign.story)


def edit_content(
    session: Session,
    admin: User | None,
    campaign: Campaign,
    content: Content,
    reason: str | None,
    now: datetime,
) -> bool:
    """Correct a campaign's title, summary or story while it is scheduled, active or paused;
    audited as "campaign.content" with the changed fields before and after. Returns whether
    anything changed. Rules are untouched, so the rules cache (campaigns.revision) stays valid.

    IllegalTransition once closed, settled or cancelled (the settlement shows the words it
    was closed with); Invalid naming the field for a blank title or a text too long.
    """
    _check_admin(admin)
    locked = _lock(session, campaign)
    if locked.status not in CONTENT_EDITABLE:
        raise IllegalTransition(status=locked.status.value)
    title = clean_line(content.title, "title", TITLE_MAX)
    if not title:
        raise Invalid("title", "required")
    clean = Content(
        title=title,
        summary=clean_line(content.summary, "summary", SUMMARY_MAX),
        story=clean_lines(content.story, "story", STORY_MAX),
    )
    why = clean_note(reason, "reason", REASON_MAX)
    before = content_of(locked)
    changed = [
        name
        for name in ("title", "summary", "story")
        if getattr(before, name) != getattr(clean, name)
    ]
    if not changed:
        return False
    for name in changed:
        setattr(locked, name, getattr(clean, name))
    audit.record(
        session,
        actor=admin,
        action="campaign.content",
        now=now,
        campaign_id=locked.id,
        before={name: getattr(before, name) for name in changed},
        after={name: getattr(clean, name) for name in changed},
        reason=why,
        actor_label=_actor_label(admin),
    )
    session.flush()
    return True


def raise_purse(
    session: Session,
    admin: User | None,
    campaign: Campaign,
    purse_won: int | None,
    reason: str | None,
    now: datetime,
) -> None:
    """Raise the sponsor's cap of a running campaign (the sponsor agreed to pay more); audited
    as "campaign.purse" with the reason, which is required.

    Only upwards and only from a cap (Invalid "purse_not_raised" otherwise): every action
    already counted keeps the ₩ it was given, and actions counted but unpaid at the old cap
    stay unpaid. IllegalTransition unless the campaign is active or paused (before that the
    scheduled edit changes the purse freely).
    """
    _check_admin(admin)
    locked = _lock(session, campaign)
    if locked.status not in RUNNING:
        raise IllegalTransition(status=locked.status.value)
    if purse_won is None:
        raise Invalid("purse_won", "required")
    whole(purse_won, "purse_won", 0, MAX_WON)
    if locked.purse_won is None or purse_won <= locked.purse_won:
        raise Invalid("purse_won", "purse_not_raised")
    why = clean_note(reason, "reason", REASON_MAX)
    if why is None:
        raise Invalid("reason", "required")
    before = locked.purse_won
    counters.set_purse(session, locked, purse_won)
    locked.purse_won = purse_won
    audit.record(
        session,
        actor=admin,
        action="campaign.purse",
        now=now,
        campaign_id=locked.id,
        before={"purse_won": before},
        after={"purse_won": purse_won},
        reason=why,
        actor_label=_actor_label(admin),
    )
    session.flush()


# --- Seasons ------------------------------------------------------------------------------------


def start_next_season(
    session: Session,
    admin: User | None,
    campaign: Campaign,
    *,
    slug: str,
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> Campaign:
    """Copy ``campaign`` (its content, rules, purse and beneficiaries) into a new scheduled
    campaign at ``slug`` running over the given KST days, linked to it as its next season;
    audited as "campaign.season". Before it opens the scheduled edit may still change its
    text, goal, dates, purse and match (services/scheduled_edits.py).

    Invalid "season_taken" when the campaign already has a next season; Invalid naming the
    field for a slug in use or days a new campaign may not have.
    """
    _check_admin(admin)
    locked = _free_predecessor(session, campaign)
    check_days(starts_on, ends_on, kst_day(now))
    spec = replace(
        spec_from_model(locked),
        slug=(slug or "").strip(),
        starts_at=start_of_day(starts_on),
        ends_at=end_bound(ends_on),
    )
    validate(spec, names={"starts_at": "starts_on", "ends_at": "ends_on"})
    season = create_campaign(
        session, spec, now=now, created_by=admin, status=CampaignStatus.SCHEDULED
    )
    season.predecessor_id = locked.id
    audit.record(
        session,
        actor=admin,
        action="campaign.season",
        now=now,
        campaign_id=season.id,
        before={"predecessor": locked.slug},
        after=spec_summary(spec),
        actor_label=_actor_label(admin),
    )
    session.flush()
    return season


def link_seasons(session: Session, earlier: Campaign, later: Campaign) -> bool:
    """Record ``earlier`` as the season before ``later`` (for seasons set up before this link
    existed, like the demo's history); returns whether it changed anything. Invalid
    "season_taken" when either side is already linked elsewhere."""
    if later.predecessor_id == earlier.id:
        return False
    taken = session.scalar(select(Campaign.id).where(Campaign.predecessor_id == earlier.id))
    if later.predecessor_id is not None or taken is not None or earlier.id == later.id:
        raise Invalid("slug", "season_taken")
    later.predecessor_id = earlier.id
    session.flush()
    return True


@dataclass(frozen=True)
class Season:
    """One season of a campaign as its page shows it."""

    campaign: Campaign
    number: int  # 1 for the first season
    raised: int
    units: Fraction | None


@dataclass(frozen=True)
class Seasons:
    """Every season of the campaign a page shows, oldest first, and which one that is."""

    seasons: tuple[Season, ...]
    current: int  # index into ``seasons``

    @property
    def previous(self) -> Season | None:
        return self.seasons[self.current - 1] if self.current > 0 else None

    @property
    def next(self) -> Season | None:
        later = self.current + 1
        return self.seasons[later] if later < len(self.seasons) else None


SEASONS_MAX = 50  # a chain longer than this is not followed further (a page stays cheap)


def seasons_of(session: Session, campaign: Campaign, now: datetime) -> Seasons | None:
    """The chain of seasons ``campaign`` belongs to, or None when it has no other season.
    Every season has the same audience (a copy keeps ``internal``), so whoever may see one
    page may see the whole chain."""
    earlier: list[Campaign] = []
    cursor = campaign
    while cursor.predecessor_id is not None and len(earlier) < SEASONS_MAX:
        found = session.get(Campaign, cursor.predecessor_id)
        if found is None:
            break
        earlier.append(found)
        cursor = found
    later: list[Campaign] = []
    cursor = campaign
    while len(later) < SEASONS_MAX:
        found = session.scalar(select(Campaign).where(Campaign.predecessor_id == cursor.id))
        if found is None:
            break
        later.append(found)
        cursor = found
    chain = [*reversed(earlier), campaign, *later]
    if len(chain) == 1:
        return None
    seasons = []
    for number, member in enumerate(chain, start=1):
        shown = progress(session, member, now)
        seasons.append(Season(member, number, shown.raised, shown.units))
    return Seasons(tuple(seasons), current=len(earlier))
