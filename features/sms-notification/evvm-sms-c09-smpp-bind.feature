@EVVM-SMS-C09 @candidate
Feature: EVVM-SMS-C09 The server-to-SMSC submission path is authenticated
  Candidate requirement from SMPP v3.4 deployment practice [S], not EVVM spec text: "The server-to-SMSC
  submission path is authenticated (SMPP bind)." A wrong password gives ESME_RINVPASWD, a wrong system_id
  ESME_RINVSYSID, and a submit_sm before a successful bind is refused with ESME_RINVBNDSTS: nothing is
  delivered.

  Background:
    Given the SMSC serves the EVVM Server and the handset of "alice"

  @positive
  Scenario: The EVVM Server binds with its system_id and password, and its SYNC reaches the subscriber
    Given the EVVM Client of "alice" has activated the VVM service
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Server is bound to the SMSC as its own system_id, over TLS where the policy requires it
    And the handset of "alice" received a SYNC for the new voicemail

  @negative
  Scenario: A bind with the EVVM Server's system_id and a wrong password is refused
    When a test ESME binds as a transceiver with the EVVM Server's system_id and a wrong password
    Then the bind is refused with "ESME_RINVPASWD"

  @negative
  Scenario: A bind with an unknown system_id is refused
    When a test ESME binds as a transceiver with the system_id "not-a-customer" and a wrong password
    Then the bind is refused with "ESME_RINVSYSID"

  @negative
  Scenario: A submit_sm before any bind is refused and nothing is delivered
    When a test ESME submits a SYNC to "alice" without binding
    Then the submit_sm is refused with "ESME_RINVBNDSTS"
    And the handset of "alice" received nothing from the test ESME

  @negative
  Scenario: A test ESME whose bind was refused cannot submit either
    When a test ESME binds as a transceiver with the EVVM Server's system_id and a wrong password
    And the test ESME submits a SYNC to "alice"
    Then the submit_sm is refused with "ESME_RINVBNDSTS"
    And the handset of "alice" received nothing from the test ESME
