"""Authentication-Results parsing and the sender-verification rule (pure, no database)."""

import pytest

from dmvrequests.intake.verification import parse_authentication_results, sender_verified

TRUSTED = "mx.dmv.example.gov"


def verified(*values, from_domain="ice.dhs.gov", single_from=True, trusted=TRUSTED):
    return sender_verified(
        from_domain=from_domain,
        single_from=single_from,
        header_values=list(values),
        trusted_authserv_id=trusted,
    )


class TestParsing:
    def test_it_reads_the_authserv_id_and_each_method(self):
        parsed = parse_authentication_results(
            "mx.dmv.example.gov; spf=pass smtp.mailfrom=ice.dhs.gov; "
            "dkim=pass header.d=ice.dhs.gov header.s=s1; dmarc=pass header.from=ice.dhs.gov"
        )
        assert parsed.authserv_id == "mx.dmv.example.gov"
        assert [(r.method, r.result) for r in parsed.results] == [
            ("spf", "pass"),
            ("dkim", "pass"),
            ("dmarc", "pass"),
        ]
        assert parsed.results[1].properties["header.d"] == "ice.dhs.gov"

    def test_it_ignores_comments_versions_and_folding(self):
        parsed = parse_authentication_results(
            "MX.DMV.Example.GOV 1 (our receiver);\r\n\tdkim/1 = pass (good (nested) sig)\r\n"
            '\t header.d = "ICE.dhs.gov." reason="a; quoted ; reason"'
        )
        assert parsed.authserv_id == "mx.dmv.example.gov"
        (dkim,) = parsed.results
        assert (dkim.method, dkim.result, dkim.properties["header.d"]) == (
            "dkim",
            "pass",
            "ice.dhs.gov",
        )

    def test_it_reads_a_header_with_no_results(self):
        parsed = parse_authentication_results("mx.dmv.example.gov; none")
        assert (parsed.authserv_id, parsed.results) == ("mx.dmv.example.gov", ())

    @pytest.mark.parametrize("value", ["", "   ", "(only a comment)", ";dmarc=pass"])
    def test_it_finds_no_authserv_id_in_junk(self, value):
        assert parse_authentication_results(value) is None

    def test_it_stays_linear_on_hostile_input(self):
        parsed = parse_authentication_results("x;" + '"' * 50_001 + ";" * 50_000 + " " * 100_000)
        assert parsed.authserv_id == "x"


class TestRule:
    def test_it_trusts_dmarc_pass_from_our_server(self):
        assert verified(f"{TRUSTED}; dmarc=pass header.from=ice.dhs.gov")

    def test_it_trusts_dkim_pass_for_exactly_the_from_domain(self):
        assert verified(f"{TRUSTED}; dkim=pass header.d=ice.dhs.gov")
        assert not verified(f"{TRUSTED}; dkim=pass header.d=dhs.gov")
        assert not verified(f"{TRUSTED}; dkim=pass header.d=x.ice.dhs.gov")

    def test_it_ignores_results_stamped_by_anyone_else(self):
        assert not verified("mx.google.com; dmarc=pass; dkim=pass header.d=ice.dhs.gov")

    def test_it_needs_a_configured_trusted_server(self):
        assert not verified(f"{TRUSTED}; dmarc=pass", trusted="")
        assert not verified("; dmarc=pass", trusted="")

    def test_it_lets_a_trusted_dmarc_fail_veto_a_dkim_pass(self):
        assert not verified(f"{TRUSTED}; dmarc=fail", f"{TRUSTED}; dkim=pass header.d=ice.dhs.gov")

    def test_it_accepts_an_aligned_dkim_pass_when_the_domain_has_no_dmarc_policy(self):
        assert verified(f"{TRUSTED}; dmarc=none; dkim=pass header.d=ice.dhs.gov")

    def test_it_refuses_several_from_addresses(self):
        assert not verified(f"{TRUSTED}; dmarc=pass", single_from=False)

    def test_it_refuses_a_message_without_from_domain(self):
        assert not verified(f"{TRUSTED}; dmarc=pass", from_domain="")
