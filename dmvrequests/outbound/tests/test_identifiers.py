"""Identifier counting (rule 4) with its false friends; no database."""

from datetime import date

import pytest

from dmvrequests.outbound.identifiers import (
    PatternError,
    PatternTimeout,
    count_identifiers,
    find_identifiers,
    license_patterns,
    subject_identifiers,
    vin_check_digit_valid,
    without_ssns,
)


def counts(text, **only):
    return count_identifiers(text)


class TestLicenseNumber:
    @pytest.mark.parametrize(
        "text",
        ["DL 123456789", "DL 123 456 789", "DL 123-456-789", "license A1234567", "z12345678901234"],
    )
    def test_it_counts_the_default_patterns(self, text):
        assert counts(text)["license_number"] == 1

    @pytest.mark.parametrize(
        "text",
        [
            "call 518-555-0100",  # a phone number: 3-3-4
            "ref 1234567890",  # ten digits: not a whole-word 9-digit number
            "case DR-2026-000123",  # a case number is no license
            "123-456 789",  # mixed separators
            "A123456",  # a letter and 6 digits
            "AB12345678",  # two letters
            "zip 12205-1234",
        ],
    )
    def test_false_friends_are_not_license_numbers(self, text):
        assert counts(text)["license_number"] == 0

    def test_patterns_come_from_the_setting(self, settings):
        settings.DMV_LICENSE_NUMBER_PATTERNS = r"NY\d{3}"
        assert counts("NY123 and 123456789")["license_number"] == 1

    def test_an_invalid_pattern_names_its_line(self):
        with pytest.raises(PatternError, match=r"Pattern 2 \(\[a-\) is not valid"):
            license_patterns("\\d{9}\n[a-")

    @pytest.mark.parametrize(
        "pattern,error",
        [
            ("[", "Pattern 1 ([) is not valid: unterminated character set at position 1."),
            (r"NY-(\d{8}", r"Pattern 1 (NY-(\d{8}) is not valid: missing ) at position 9."),
        ],
    )
    def test_an_unbalanced_pattern_is_refused_where_it_was_typed(self, pattern, error):
        """Inside the whole-word wrapper "[" compiled (it swallowed the wrapper's brackets)
        and positions counted the wrapper: checked alone first."""
        with pytest.raises(PatternError) as refused:
            license_patterns(pattern)
        assert str(refused.value) == error

    def test_a_time_limit_stops_a_catastrophic_pattern(self):
        patterns = license_patterns(r"(a|aa)+\d")
        with pytest.raises(PatternTimeout, match="Pattern 1 took longer than 0.2 seconds"):
            find_identifiers("a" * 40 + "!", patterns, timeout=0.2)

    def test_without_a_time_limit_sensible_patterns_match_as_before(self):
        found = find_identifiers("A1234567 and 123 456 789", license_patterns(), timeout=None)
        assert [f.kind for f in found] == ["license_number", "license_number"]


class TestDateOfBirth:
    @pytest.mark.parametrize(
        "text",
        [
            "DOB 1/2/1980",
            "dob: 01/02/1980",
            "Date of birth 1980-01-02",
            "date of birth is January 2, 1980",
            "DATE OF BIRTH (as on file): 1/2/1980",
        ],
    )
    def test_a_date_close_after_the_words_counts(self, text):
        assert counts(text)["date_of_birth"] == 1

    def test_a_date_more_than_20_characters_after_does_not(self):
        assert counts("DOB is not on file, but he was seen 1/2/1980")["date_of_birth"] == 0

    def test_a_date_without_the_words_does_not(self):
        assert counts("Meeting on 1/2/2026 and 2026-01-03")["date_of_birth"] == 0


class TestPlate:
    @pytest.mark.parametrize(
        "text", ["plate ABC1234", "Plate number: 7XYZ123", "tag 4GH55", "registration # 12AB"]
    )
    def test_a_plate_close_after_the_words_counts(self, text):
        assert counts(text)["plate"] == 1

    def test_a_word_without_a_digit_is_no_plate(self):
        assert counts("plate lookup done")["plate"] == 0

    def test_a_plate_more_than_12_characters_after_does_not_count(self):
        assert counts("the plate of the car we discussed is ABC1234")["plate"] == 0

    def test_a_word_ending_in_tag_is_not_the_keyword(self):
        assert counts("vintage 1960 car")["plate"] == 0


class TestVin:
    def test_a_valid_check_digit_counts(self):
        assert vin_check_digit_valid("1M8GDM9AXKP042788")
        assert counts("VIN 1M8GDM9AXKP042788")["vin"] == 1

    def test_an_invalid_check_digit_does_not(self):
        assert counts("VIN 1M8GDM9A1KP042788")["vin"] == 0

    def test_i_o_q_are_never_in_a_vin(self):
        assert counts("1M8GDM9AXKP04278O")["vin"] == 0


class TestSsn:
    def test_a_possible_number_counts(self):
        assert counts("SSN 123-45-6789")["ssn"] == 1

    @pytest.mark.parametrize(
        "text", ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"]
    )
    def test_never_issued_numbers_do_not(self, text):
        assert counts(text)["ssn"] == 0

    def test_a_longer_run_is_not_an_ssn(self):
        assert counts("1123-45-6789")["ssn"] == 0


def test_spans_point_at_the_identifiers():
    text = "DOB 1/2/1980, SSN 123-45-6789"
    assert [(f.kind, text[f.start : f.end]) for f in find_identifiers(text)] == [
        ("date_of_birth", "1/2/1980"),
        ("ssn", "123-45-6789"),
    ]


class TestSubjectIdentifiers:
    def test_one_value_of_a_kind_fills_the_subject_field(self):
        text = "DOB January 2, 1980; DL 123-456-789; plate ABC1234; VIN 1M8GDM9AXKP042788"
        assert subject_identifiers(text) == {
            "subject_dob": date(1980, 1, 2),
            "subject_license_number": "123456789",
            "subject_plate": "ABC1234",
            "subject_vin": "1M8GDM9AXKP042788",
        }

    def test_the_same_value_twice_is_one_value(self):
        text = "DL 123456789. Again: DL 123 456 789."
        assert subject_identifiers(text) == {"subject_license_number": "123456789"}

    def test_two_different_values_are_left_to_counsel(self):
        text = "DL 123456789 and DL 987654321, DOB 1/2/1980"
        assert subject_identifiers(text) == {"subject_dob": date(1980, 1, 2)}

    def test_a_social_security_number_is_never_copied(self):
        assert subject_identifiers("SSN 123-45-6789") == {}


def test_social_security_numbers_are_masked_and_false_friends_kept():
    text = "SSN 123-45-6789, not 666-12-3456, case 2026-04-1234."
    assert without_ssns(text) == (
        "SSN [Social Security number not copied], not 666-12-3456, case 2026-04-1234."
    )


def test_a_broken_pattern_in_the_setting_stops_the_start(settings):
    from dmvrequests.outbound.checks import license_number_patterns

    assert license_number_patterns() == []
    settings.DMV_LICENSE_NUMBER_PATTERNS = "\\d{9}\n["
    (error,) = license_number_patterns()
    assert error.id == "outbound.E001"
    assert "Pattern 2 ([) is not valid" in error.msg
