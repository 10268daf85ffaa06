@VVM-03
Feature: VVM-03 STARTTLS, with the capabilities asked again after the upgrade
  Base VVM behaviour, known from AOSP ("STARTTLS is required in the OMTP standard but not every implementation
  support it", a code comment, not spec text): STARTTLS; capabilities are re-queried after the upgrade. What
  was learnt in the clear is discarded (RFC 3501/9051 [P]), so a man in the middle cannot pick the session's
  authentication by rewriting it. Applies where the EVVM Server declares STARTTLS.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail
    And the EVVM Server declares STARTTLS

  @positive
  Scenario: Inside TLS the EVVM Server answers CAPABILITY with the list of the TLS session
    When a VVM test client upgrades a connection to the EVVM Server with STARTTLS and asks for the capabilities again
    Then the capabilities inside TLS offer a way to authenticate

  @negative
  Scenario: The clear channel's STARTTLS and LOGINDISABLED are not carried into TLS
    When a VVM test client upgrades a connection to the EVVM Server with STARTTLS and asks for the capabilities again
    Then the capabilities inside TLS are not the clear channel's

  @positive
  Scenario: The EVVM Client asks for the capabilities again inside TLS before it authenticates
    Given the EVVM Client is the one under test
    When the EVVM Client retrieves the voicemail of "alice" from the EVVM Server over STARTTLS
    Then the EVVM Client asked for the capabilities again inside TLS before it authenticated

  @negative
  Scenario: The EVVM Client does not act on the clear channel's LOGINDISABLED after the upgrade
    Given the EVVM Client is the one under test
    When the EVVM Client retrieves the voicemail of "alice" from the EVVM Server over STARTTLS
    Then the EVVM Client logged in inside TLS although the clear channel disabled LOGIN
