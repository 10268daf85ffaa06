@PRAC-01 @practice
Feature: PRAC-01 Operator-controlled originator allow-list and port on the client
  Deployment practice (AOSP VisualVoicemailSmsFilterSettings), not EVVM spec text: "Operator-controlled
  originator whitelist and port on the client." The EVVM Client takes VVM notifications only from the
  originators the operator allow-listed, and only as data SMS to the port the operator configured
  (the profile's policy.sms); anything else is dropped before it can do anything. EVVM-SMS-C02 and
  EVVM-SMS-C03 are the testable rules; a deviation here is a warning.

  Background:
    Given the SMSC serves the EVVM Server and the handsets of "alice" and "bob"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: A SYNC from an allow-listed originator on the configured port is a notification
    When a voicemail is deposited in the mailbox "alice"
    Then the EVVM Client of "alice" accepted it within the operator's allow-list and port

  @negative
  Scenario: A SYNC from an originator the operator did not allow-list is dropped
    When an SMS spoofer sends "alice" a SYNC for a new voicemail from its own number
    Then the EVVM Client of "alice" ignored it as outside the operator's allow-list and port

  @negative
  Scenario: A SYNC from another subscriber's handset is dropped
    When the handset of "bob" sends "alice" a SYNC for a new voicemail
    Then the EVVM Client of "alice" ignored it as outside the operator's allow-list and port

  @negative
  Scenario: A SYNC from the allow-listed originator to another port is dropped
    Given the service provider's policy requires notifications on an application port
    When a fake base station sends "alice" a SYNC for a new voicemail from the EVVM Server's number as a data SMS to another port
    Then the EVVM Client of "alice" ignored it as outside the operator's allow-list and port
