@EVVM-SMS-C04 @candidate
Feature: EVVM-SMS-C04 Malformed notifications are rejected without state change
  Candidate requirement (spec.md b.3 and the negative corpus of §c.6; AOSP "Unparsable VVM SMS received,
  ignoring"; field limits of VVM 1.2), not EVVM spec text: "Prefix and syntax validation: malformed
  notifications are rejected without state change." Each malformed notification below comes from the EVVM
  Server's number on the VVM application port, so only the parser stands in its way.

  Background:
    Given the SMSC serves the EVVM Server and the handset of "alice"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: A well-formed SYNC from the EVVM Server is parsed and acted on
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Client of "alice" accepted a SYNC from the EVVM Server's number
    And the EVVM Client of "alice" synchronised with the EVVM Server

  @positive
  Scenario: A well-formed STATUS from the EVVM Server is parsed and acted on
    When the handset of "alice" asks the EVVM Server for its STATUS
    Then the EVVM Client of "alice" accepted a STATUS from the EVVM Server's number
    And the EVVM Client of "alice" authenticated the EVVM Server before it logged in

  @negative
  Scenario Outline: A notification with <defect> is rejected without state change
    When a fake base station sends "alice" a notification with <defect> from the EVVM Server's number
    Then the EVVM Client of "alice" rejected the SMS as malformed
    And the EVVM Client of "alice" did not synchronise
    And the state of the EVVM Client of "alice" did not change

    # One defect of each kind: the prefix, a field limit, an injected field. The parser's whole corpus,
    # each case with its outcome, is tests/vvm-sms/parser-corpus.test.ts.
    Examples:
      | defect                    |
      | a wrong prefix            |
      | an id of 22 digits        |
      | a separator injected in u |
