@STD-04
Feature: STD-04 Implicit TLS in preference to STARTTLS
  RFC 8314 §3 (quoted second-hand [Q2]): connections should "be made using "Implicit TLS"" (993 for IMAP, 465
  for submission) in preference to STARTTLS. A "should": an EVVM Server on STARTTLS only, or an EVVM Client that
  picks STARTTLS where implicit TLS is offered, gets a warning, not a failure.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario: The EVVM Server offers implicit TLS
    When a test client connects to the EVVM Server's implicit TLS port
    Then the EVVM Server greeted it over implicit TLS

  @negative
  Scenario: Offered implicit TLS and STARTTLS, the EVVM Client does not pick STARTTLS
    Given the EVVM Client is the one under test
    And the EVVM Server declares implicit TLS and STARTTLS
    When the EVVM Client of "alice" retrieves her voicemail over the transport it picks
    Then the EVVM Client used implicit TLS
