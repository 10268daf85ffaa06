@EVVM-SMS-C07 @candidate
Feature: EVVM-SMS-C07 After Deactivate, no SYNC notifications are sent
  Candidate requirement anchored in VVM 1.2 ("No VVM SYNC notifications are sent to the client after service
  deactivation."), not EVVM spec text: "After Deactivate, no SYNC notifications are sent."

  Background:
    Given the EVVM Server declares the MO command "Deactivate"
    And the SMSC serves the EVVM Server and the handset of "alice"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: While the service is active, a deposit sends the subscriber a SYNC
    When a voicemail is deposited in the mailbox "alice"
    Then the handset of "alice" received a SYNC for the new voicemail

  @negative
  Scenario: After Deactivate, a deposit sends no SYNC
    Given the EVVM Client of "alice" has deactivated the VVM service
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Server submitted no SYNC for "alice" after the deactivation
    And the handset of "alice" received no SYNC after the deactivation
