"""PolicyProfile rows: the data migration, the one-active rule, the services and the history."""

import copy
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from dmvrequests.audit.protection import history_rewrite
from dmvrequests.policy import services
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.profiles import PROFILE_CONFIDENCE, SHIPPED_PROFILES
from dmvrequests.policy.tests.builders import immigration_request
from dmvrequests.vocabulary import Confidence

pytestmark = pytest.mark.django_db

shipped_migration = importlib.import_module("dmvrequests.policy.migrations.0002_shipped_profiles")
second_migration = importlib.import_module(
    "dmvrequests.policy.migrations.0004_profiles_ca_nm_nv_and_confidence"
)
NEW_SLUGS = {"ca", "nm", "nv"}


def profile(slug):
    return PolicyProfile.objects.get(slug=slug)


def reinstall(settings, slug):
    """Run the data migration again on an empty table, with the models it sees when migrating."""
    with history_rewrite():  # the history tables refuse a DELETE otherwise (PostgreSQL)
        PolicyProfile.history.all().delete()
        PolicyProfile.objects.all().delete()
    settings.POLICY_PROFILE = slug
    # The models as of the last policy migration: the table has every column by now.
    apps = (
        MigrationLoader(connection)
        .project_state(("policy", second_migration.__name__.split(".")[-1]))
        .apps
    )
    shipped_migration.install_profiles(apps, None)
    second_migration.install(apps, None)


class TestShippedProfilesMigration:
    def test_it_installs_the_fourteen_profiles(self):
        assert set(PolicyProfile.objects.values_list("slug", flat=True)) == set(SHIPPED_PROFILES)

    def test_it_installs_valid_rules_with_their_names_and_citations(self):
        for stored in PolicyProfile.objects.all():
            stored.full_clean()
            assert stored.name == stored.rules["name"]
            assert stored.citation == stored.rules["citation"]
            assert stored.version == 1

    def test_it_froze_the_profiles_as_shipped(self):
        first, second = shipped_migration.SHIPPED_PROFILES, second_migration.NEW_PROFILES
        assert set(first) == set(SHIPPED_PROFILES) - NEW_SLUGS
        assert set(second) == NEW_SLUGS
        for slug, shipped in {**first, **second}.items():
            assert shipped == SHIPPED_PROFILES[slug], slug

    def test_it_froze_the_confidence_table(self):
        assert second_migration.CONFIDENCE == PROFILE_CONFIDENCE
        assert set(PROFILE_CONFIDENCE) == set(SHIPPED_PROFILES)

    def test_it_records_confidence_sources_and_open_questions_on_every_profile(self):
        for stored in PolicyProfile.objects.all():
            expected = PROFILE_CONFIDENCE[stored.slug]
            assert (stored.confidence, stored.sources, stored.open_questions) == (
                expected["confidence"],
                expected["sources"],
                expected["open_questions"],
            )
            assert stored.sources and all(source["read_on"] for source in stored.sources)

    def test_it_marks_ca_nm_and_nv_partly_confirmed_with_open_questions(self):
        partly = PolicyProfile.objects.filter(confidence=Confidence.PARTLY_CONFIRMED)
        assert set(partly.values_list("slug", flat=True)) == NEW_SLUGS
        assert all(stored.open_questions for stored in partly)
        confirmed = PolicyProfile.objects.exclude(slug__in=NEW_SLUGS)
        assert all(not stored.open_questions for stored in confirmed)

    def test_it_marks_no_profile_reviewed(self):
        assert not any(stored.is_reviewed for stored in PolicyProfile.objects.all())

    def test_it_activates_exactly_one_profile(self):
        assert list(
            PolicyProfile.objects.filter(is_active=True).values_list("slug", flat=True)
        ) == ["dppa"]

    def test_it_activates_the_configured_profile(self, settings):
        reinstall(settings, "md")
        assert services.profile_active().slug == "md"

    def test_it_falls_back_to_the_federal_baseline_for_an_unknown_profile(self, settings):
        reinstall(settings, "narnia")
        assert services.profile_active().slug == "dppa"

    def test_it_starts_the_history_of_every_profile(self, settings):
        reinstall(settings, "ny")
        assert PolicyProfile.history.filter(history_type="+").count() == 14
        reasons = list(profile("ny").history.values_list("history_change_reason", flat=True))
        assert reasons == [
            "Confidence recorded by migration.",
            "Activated by migration.",
            "Installed by migration (shipped).",
        ]
        assert profile("ny").history.first().is_active


class TestOneActiveProfile:
    def test_it_refuses_a_second_active_profile_in_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyProfile.objects.filter(slug="ny").update(is_active=True)

    def test_it_switches_the_active_profile(self, make_user):
        administrator = make_user("Administrator")
        services.profile_activate(profile=profile("ny"), actor=administrator)
        assert services.profile_active().slug == "ny"
        assert PolicyProfile.objects.filter(is_active=True).count() == 1

    def test_it_records_the_switch_and_who_made_it(self, make_user):
        administrator = make_user("Administrator")
        services.profile_activate(profile=profile("ny"), actor=administrator)
        activated, deactivated = profile("ny").history.first(), profile("dppa").history.first()
        assert (activated.is_active, activated.history_user) == (True, administrator)
        assert (deactivated.is_active, deactivated.history_user) == (False, administrator)
        assert activated.history_change_reason == "Made the active profile."

    def test_it_keeps_the_version_when_activating(self, make_user):
        services.profile_activate(profile=profile("ny"), actor=make_user("Administrator"))
        assert profile("ny").version == 1

    def test_it_says_so_when_no_profile_is_active(self):
        PolicyProfile.objects.update(is_active=False)
        with pytest.raises(Exception, match="No policy profile is active"):
            services.profile_active()


class TestProfileEdits:
    def test_it_clones_a_profile_inactive_at_version_one(self, make_user):
        administrator = make_user("Administrator")
        clone = services.profile_clone(
            profile=profile("ny"), slug="ny-2027", name="New York 2027", actor=administrator
        )
        assert (clone.slug, clone.name, clone.version, clone.is_active) == (
            "ny-2027",
            "New York 2027",
            1,
            False,
        )
        assert clone.rules == {**profile("ny").rules, "name": "New York 2027"}
        assert clone.history.first().history_user == administrator

    def test_it_refuses_a_clone_under_a_slug_in_use(self, make_user):
        with pytest.raises(ValidationError) as refused:
            services.profile_clone(
                profile=profile("ny"), slug="il", name="Copy", actor=make_user("Administrator")
            )
        assert "slug" in refused.value.message_dict

    def test_it_bumps_the_version_when_the_rules_change(self, make_user):
        administrator = make_user("Administrator")
        rules = copy.deepcopy(profile("ny").rules)
        rules["subject_notice"] = {"days": 5, "unit": "business"}
        updated = services.profile_update_rules(
            profile=profile("ny"), rules=rules, actor=administrator
        )
        assert updated.version == 2
        assert profile("ny").rules["subject_notice"] == {"days": 5, "unit": "business"}
        assert profile("ny").history.first().history_user == administrator

    def test_it_copies_the_name_and_citation_from_the_rules(self, make_user):
        rules = {**copy.deepcopy(profile("ny").rules), "name": "New York (2027)"}
        services.profile_update_rules(
            profile=profile("ny"), rules=rules, actor=make_user("Administrator")
        )
        assert profile("ny").name == "New York (2027)"

    def test_it_refuses_malformed_rules_naming_the_key(self, make_user):
        rules = copy.deepcopy(profile("ny").rules)
        rules["immigration_accepted"][0]["issuers"] = ["judge"]
        with pytest.raises(ValidationError) as refused:
            services.profile_update_rules(
                profile=profile("ny"), rules=rules, actor=make_user("Administrator")
            )
        assert "immigration_accepted[0].issuers[0]" in refused.value.message_dict["rules"][0]
        assert profile("ny").version == 1

    def test_it_refuses_malformed_rules_in_model_validation(self):
        stored = profile("co")
        stored.rules = {**stored.rules, "never_release": ["dna"]}
        with pytest.raises(ValidationError) as refused:
            stored.full_clean()
        assert "never_release[0]" in refused.value.message_dict["rules"][0]


class TestEvaluateWithProfile:
    def test_it_uses_the_active_profile_and_names_its_version(self):
        result = services.evaluate_with_profile(disclosure_request=immigration_request())
        assert (result["profile"], result["profile_version"]) == ("dppa", 1)

    def test_it_uses_the_profile_given(self):
        result = services.evaluate_with_profile(
            disclosure_request=immigration_request(), profile=profile("ny")
        )
        assert result["decision"] == "deny"
        assert result["subject_notice"]["due"] == "2026-03-05"
