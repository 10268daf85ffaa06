@EVVM-SMS-C02 @candidate
Feature: EVVM-SMS-C02 Only SMS from an allow-listed originator is a VVM notification
  Candidate requirement, inferred from practice (spec.md b.3, PRAC-01; AOSP's originating number
  whitelist), not EVVM spec text: "Only SMS from a whitelisted originator is treated as a VVM notification."
  The same SMS from any other originator is ignored: it is not shown to the user and changes no state.

  Background:
    Given the SMSC serves the EVVM Server and the handsets of "alice" and "bob"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: A SYNC from the EVVM Server's number triggers a synchronisation
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Client of "alice" accepted a SYNC from the EVVM Server's number
    And the EVVM Client of "alice" synchronised with the EVVM Server

  @negative
  Scenario: The same SYNC from the SMS spoofer's own number is ignored
    When an SMS spoofer sends "alice" a SYNC for a new voicemail from its own number
    Then the EVVM Client of "alice" ignored the SMS because its originator is not allow-listed
    And the EVVM Client of "alice" did not synchronise
    And the state of the EVVM Client of "alice" did not change

  @negative
  Scenario: A SYNC from another subscriber's handset is ignored
    When the handset of "bob" sends "alice" a SYNC for a new voicemail
    Then the EVVM Client of "alice" ignored the SMS because its originator is not allow-listed
    And the EVVM Client of "alice" did not synchronise
    And the state of the EVVM Client of "alice" did not change
