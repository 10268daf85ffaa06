@VVM-07
Feature: VVM-07 The MO STATUS SMS is case-sensitive
  OMTP VVM 1.2 p.62: "Note: The STATUS SMS message is case-sensitive." AOSP sends "Status" and Orange
  "STATUS" (spec.md Q10): only "STATUS" is the command; "status" or "Status" is not treated as STATUS.

  Background:
    Given the EVVM Server declares the MO command "STATUS"
    And the SMSC serves the EVVM Server and the handset of "alice"

  @positive
  Scenario: STATUS gets the subscriber's STATUS SMS
    When the handset of "alice" asks the EVVM Server for its STATUS
    Then the handset of "alice" received a STATUS in reply

  @negative
  Scenario Outline: "<text>" is not the STATUS command
    When the handset of "alice" sends "<text>" to the EVVM Server
    Then the handset of "alice" received no STATUS in reply
    And the EVVM Server did not take "<text>" for a command

    Examples:
      | text                                      |
      | status                                    |
      | Status                                    |
      | Status:pv=13;ct=Acme.Phone1.14;pt=5499;//VVM |
