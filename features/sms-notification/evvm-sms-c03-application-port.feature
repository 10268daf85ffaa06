@EVVM-SMS-C03 @candidate
Feature: EVVM-SMS-C03 Notifications are accepted only as data SMS on the configured application port
  Candidate requirement (spec.md b.3; VVM pt field, AOSP DESTINATION_PORT_DATA_SMS, TS 23.040 §9.2.3.24),
  not EVVM spec text: "Notifications are accepted only as data SMS on the configured application port."
  The same payload as a text SMS, or to another port, is ignored even from the EVVM Server's number.

  Background:
    Given the service provider's policy requires notifications on an application port
    And the SMSC serves the EVVM Server and the handset of "alice"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: A SYNC as a data SMS to the VVM application port triggers a synchronisation
    When a voicemail is deposited in the mailbox "alice"
    Then the handset of "alice" received the SYNC as a data SMS to the VVM application port
    And the EVVM Client of "alice" synchronised with the EVVM Server

  @negative
  Scenario Outline: A SYNC from the EVVM Server's number <bearer> is ignored
    When a fake base station sends "alice" a SYNC for a new voicemail from the EVVM Server's number <bearer>
    Then the EVVM Client of "alice" ignored the SMS because it is not addressed to the VVM application port
    And the EVVM Client of "alice" did not synchronise
    And the state of the EVVM Client of "alice" did not change

    Examples:
      | bearer                                   |
      | as a text SMS                            |
      | as a data SMS to another port            |
      | as a data SMS with 8-bit port addressing |
