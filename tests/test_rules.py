"""Every rule of the contract, one behaviour per test, on hand-built rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factories import frame, objection, post, ts, user

from postcurate.config import RuleSettings
from postcurate.pipeline import DESTINATION_COLUMNS, decide, for_destinations
from postcurate.pseudonyms import keyed_pseudonyms
from postcurate.rules.geo import load_geo_rules

GEO = load_geo_rules(Path(__file__).resolve().parents[1] / "conf" / "geo_rules.yaml")
KEY = b"k" * 32
AS_OF = dt.datetime(2026, 1, 1)


DEFAULT_RULES = RuleSettings()


def reasons(spark, posts, users=None, objections=None, as_of=AS_OF, settings=DEFAULT_RULES) -> dict:
    """post_id -> reason (None = kept so far) after rules 1 to 8."""
    decided = decide(
        frame(spark, "posts", posts),
        frame(spark, "users", users if users is not None else [user()]),
        frame(spark, "objections", objections or []),
        as_of=as_of,
        geo=GEO,
        rules=settings,
        pseudonyms=keyed_pseudonyms(spark, KEY),
    )
    return {r["_post_key"]: r["reason"] for r in decided.select("_post_key", "reason").collect()}


def test_a_plain_public_post_of_an_eligible_adult_is_kept(spark):
    assert reasons(spark, [post()]) == {"p1": None}


def test_latest_version_decides_deleted_and_visibility(spark):
    posts = [
        post("p1", updated_at=ts("2025-06-01")),
        post("p1", updated_at=ts("2025-07-01"), is_deleted=True),
        post("p2", visibility="friends", updated_at=ts("2025-06-01")),
        post("p2", visibility="public", updated_at=ts("2025-07-01")),
        post("p3", visibility="public", updated_at=ts("2025-06-01")),
        post("p3", visibility="only_me", updated_at=ts("2025-07-01")),
    ]
    assert reasons(spark, posts) == {"p1": "deleted", "p2": None, "p3": "not_public"}


def test_versions_after_the_cut_off_do_not_exist_for_the_run(spark):
    posts = [post("p1", updated_at=ts("2025-06-01")), post("p1", updated_at=ts("2025-08-01"), is_deleted=True)]
    assert reasons(spark, posts, as_of=dt.datetime(2025, 7, 1)) == {"p1": None}
    assert reasons(spark, posts, as_of=dt.datetime(2025, 9, 1)) == {"p1": "deleted"}


def test_posts_written_after_the_cut_off_are_not_read(spark):
    assert reasons(spark, [post("p1", created_at=ts("2025-08-01"), updated_at=ts("2025-08-01"))], as_of=dt.datetime(2025, 7, 1)) == {}


def test_ties_on_updated_at_resolve_to_the_most_restrictive_version(spark):
    same = ts("2025-06-01")
    posts = [post("p1", updated_at=same), post("p1", updated_at=same, is_deleted=True)]
    posts += [post("p2", updated_at=same), post("p2", updated_at=same, visibility="friends")]
    assert reasons(spark, posts) == {"p1": "deleted", "p2": "not_public"}


UNUSABLE = {
    "no author": {"author_id": None},
    "unknown platform": {"platform": "tiktok"},
    "unknown post type": {"post_type": "reel"},
    "visibility in capitals": {"visibility": "Public"},
    "no visibility": {"visibility": None},
    "no deleted flag": {"is_deleted": None},
    "no creation time": {"created_at": None},
    "created after this version was written": {"created_at": ts("2025-06-02")},
    "text too long": {"text": "x" * 20_001},
    "malformed language": {"lang": "english please"},
    "latitude out of range": {"geo_lat": 91.0},
}


def test_unusable_rows_are_invalid(spark):
    """One post per kind of unusable row, in one frame, beside a usable post of the same author."""
    posts = [post(case, **change) for case, change in UNUSABLE.items()] + [post("usable")]
    assert reasons(spark, posts) == {case: "invalid" for case in UNUSABLE} | {"usable": None}


def test_one_unusable_version_quarantines_the_whole_post(spark):
    # The broken version might be the deletion: we cannot tell, so the post is not used.
    posts = [post("p1", updated_at=ts("2025-06-01")), post("p1", updated_at=ts("2025-07-01"), visibility="PUBLIC")]
    assert reasons(spark, posts) == {"p1": "invalid"}


def test_rows_without_post_id_stand_alone_as_invalid(spark):
    out = reasons(spark, [post(None), post(None, text="another text long enough to matter"), post("p2")])
    assert sorted(v for v in out.values() if v) == ["invalid", "invalid"]
    assert out["p2"] is None


def test_invalid_comes_before_every_other_reason(spark):
    assert reasons(spark, [post(is_deleted=True, platform="myspace")]) == {"p1": "invalid"}


def test_messages_and_stories_are_never_allowed_even_if_configured(spark):
    settings = RuleSettings(allowed_post_types=("post", "comment", "photo_caption", "story", "message"))
    posts = [post(t, post_type=t) for t in ("message", "story", "comment")]
    assert reasons(spark, posts, settings=settings) == {"message": "type_not_allowed", "story": "type_not_allowed", "comment": None}


def test_configured_types_are_honoured(spark):
    settings = RuleSettings(allowed_post_types=("post",))
    assert reasons(spark, [post("p1", post_type="comment"), post("p2")], settings=settings) == {"p1": "type_not_allowed", "p2": None}


NOT_ELIGIBLE = {
    "no account row at all": None,
    "deactivated": {"account_status": "deactivated"},
    "deleted": {"account_status": "deleted"},
    "private": {"is_private_account": True},
    "unknown status": {"account_status": "suspended"},  # fail closed
    "privacy unknown": {"is_private_account": None},
}


def test_accounts_that_are_not_active_and_public_are_not_eligible(spark):
    """One author per kind of account, each with one post, in one frame, beside an eligible author."""
    posts = [post(case, author_id=case) for case in [*NOT_ELIGIBLE, "eligible"]]
    users = [user(case, **change) for case, change in NOT_ELIGIBLE.items() if change is not None] + [user("eligible")]
    assert reasons(spark, posts, users=users) == {case: "account_not_eligible" for case in NOT_ELIGIBLE} | {"eligible": None}


def test_latest_account_version_decides(spark):
    users = [user(is_private_account=True, updated_at=ts("2024-01-01")), user(updated_at=ts("2025-01-01"))]
    assert reasons(spark, [post()], users=users) == {"p1": None}
    users = [user(updated_at=ts("2024-01-01")), user(account_status="deactivated", updated_at=ts("2025-01-01"))]
    assert reasons(spark, [post()], users=users) == {"p1": "account_not_eligible"}


def test_ties_on_account_updated_at_resolve_to_the_most_restrictive_version(spark):
    at = ts("2025-01-01")
    for restrictive in (user(account_status="deactivated", updated_at=at), user(is_private_account=True, updated_at=at)):
        for users in ([user(updated_at=at), restrictive], [restrictive, user(updated_at=at)]):
            assert reasons(spark, [post()], users=users) == {"p1": "account_not_eligible"}
    # The same instant in another country: one version wins whole, its country with it (never a mix of versions).
    users = [user(updated_at=at, country="GB"), user(updated_at=at, country="US", birth_date=dt.date(2015, 1, 1))]
    assert reasons(spark, [post()], users=users) == {"p1": "age"}  # "US" > "GB": that version wins, with its birth date


def test_unknown_blocked_or_malformed_countries_are_geo_blocked(spark):
    """One author per country value, each with one post, in one frame, beside an author in an allowed country."""
    countries = {"no country": None, "JP": "JP", "gb": "gb", "G B": "G B", "XX": "XX", "GB": "GB"}
    posts = [post(case, author_id=case) for case in countries]
    users = [user(case, country=country) for case, country in countries.items()]
    assert reasons(spark, posts, users=users) == {case: "geo_blocked" for case in countries if case != "GB"} | {"GB": None}


def test_geo_rule_must_be_in_effect_at_the_cut_off(spark):
    users = [user(country="DE")]
    # EU/EEA training started 2025-05-27.
    assert reasons(spark, [post(created_at=ts("2025-01-10"), updated_at=ts("2025-01-10"))], users=users, as_of=dt.datetime(2025, 3, 1)) == {
        "p1": "geo_blocked"
    }
    assert reasons(spark, [post(created_at=ts("2025-01-10"), updated_at=ts("2025-01-10"))], users=users, as_of=dt.datetime(2025, 6, 1)) == {
        "p1": None
    }


def test_age_is_taken_when_the_post_was_created(spark):
    users = [user(birth_date=dt.date(2007, 6, 15))]  # turns 18 on 2025-06-15
    posts = [
        post("before", created_at=ts("2025-06-14"), updated_at=ts("2025-06-14")),
        post("on_birthday", created_at=ts("2025-06-15"), updated_at=ts("2025-06-15")),
        post("after", created_at=ts("2025-07-01"), updated_at=ts("2025-07-01")),
    ]
    assert reasons(spark, posts, users=users) == {"before": "age", "on_birthday": None, "after": None}


def test_unknown_birth_date_is_excluded_for_age(spark):
    assert reasons(spark, [post()], users=[user(birth_date=None)]) == {"p1": "age"}


def test_an_objection_removes_all_content_including_earlier_posts(spark):
    posts = [post("old", created_at=ts("2024-03-01"), updated_at=ts("2024-03-01")), post("new")]
    objections = [objection(objected_at=ts("2025-09-01"))]
    assert reasons(spark, posts, objections=objections) == {"old": "objected", "new": "objected"}


def test_objection_in_effect_only_at_the_cut_off(spark):
    objections = [objection(objected_at=ts("2025-09-01"))]
    assert reasons(spark, [post()], objections=objections, as_of=dt.datetime(2025, 8, 1)) == {"p1": None}
    assert reasons(spark, [post()], objections=objections, as_of=dt.datetime(2025, 10, 1)) == {"p1": "objected"}


def test_withdrawn_objections_no_longer_apply_but_withdrawal_after_cut_off_does_not_count(spark):
    objections = [objection(objected_at=ts("2025-02-01"), withdrawn_at=ts("2025-03-01"))]
    early = post(created_at=ts("2025-01-15"), updated_at=ts("2025-01-15"))
    assert reasons(spark, [early], objections=objections, as_of=dt.datetime(2025, 12, 1)) == {"p1": None}
    assert reasons(spark, [early], objections=objections, as_of=dt.datetime(2025, 2, 15)) == {"p1": "objected"}


def test_objecting_again_after_a_withdrawal_applies(spark):
    objections = [
        objection(objected_at=ts("2025-02-01"), withdrawn_at=ts("2025-03-01")),
        objection(objected_at=ts("2025-04-01"), scope="all", channel="settings"),
    ]
    assert reasons(spark, [post()], objections=objections) == {"p1": "objected"}


def test_only_ai_training_and_all_scopes_count(spark):
    """One author per objection scope, each with one post, in one frame."""
    expected = {"ai_training": "objected", "all": "objected", " AI_Training ": "objected", "marketing": None, "no scope": None}
    scopes = {case: None if case == "no scope" else case for case in expected}
    posts = [post(case, author_id=case) for case in expected]
    users = [user(case) for case in expected]
    objections = [objection(case, scope=scope) for case, scope in scopes.items()]
    assert reasons(spark, posts, users=users, objections=objections) == expected


def test_objection_with_unknown_time_is_taken_as_in_effect(spark):
    assert reasons(spark, [post()], objections=[objection(objected_at=None)]) == {"p1": "objected"}


def test_reasons_follow_the_contract_order(spark):
    users = [user("minor", birth_date=dt.date(2015, 1, 1), country="JP"), user("objector", country="US")]
    posts = [
        post("deleted_and_private", is_deleted=True, visibility="friends"),
        post("private_message", visibility="friends", post_type="message"),
        post("blocked_minor", author_id="minor"),
        post("minor_objector", author_id="objector", created_at=ts("2025-06-01")),
    ]
    users.append(user("u1"))
    out = reasons(spark, posts, users=users, objections=[objection("objector"), objection("minor")])
    assert out == {
        "deleted_and_private": "deleted",
        "private_message": "not_public",
        "blocked_minor": "geo_blocked",
        "minor_objector": "objected",
    }


def test_what_the_job_caches_keeps_the_text_only_of_posts_still_in(spark):
    posts = [post("kept", text="still in after rules one to eight"), post("gone", text="a deleted post", is_deleted=True)]
    decided = decide(frame(spark, "posts", posts), frame(spark, "users", [user()]), frame(spark, "objections", []), as_of=AS_OF, geo=GEO, rules=RuleSettings(), pseudonyms=keyed_pseudonyms(spark, KEY))
    cached = decided.transform(for_destinations)
    assert tuple(cached.columns) == DESTINATION_COLUMNS
    assert {r["reason"]: r["text"] for r in cached.collect()} == {"deleted": None, None: "still in after rules one to eight"}
