@VVM-08
Feature: VVM-08 Activate semantics and its failure reply
  OMTP VVM 1.2 p.62: Activate is sent "To activate the service (change the VVM provisioning status from
  Subscriber Provisioned to Subscriber New or Subscriber Ready). Once the service is activated, VVM
  notifications are sent to the client." Its failure reply is //VVM:STATUS:st=U;rc=<code> (VVM 1.2 p.62/64),
  which carries no credentials. "mallory" has no mailbox.

  Background:
    Given the EVVM Server declares the MO command "Activate"
    And the EVVM Server declares the MO command "Deactivate"
    And the SMSC serves the EVVM Server and the handset of "alice"
    And a handset "mallory" whose number has no mailbox

  @positive
  Scenario: Activate makes a provisioned subscriber new or ready
    Given the VVM service of "alice" is deactivated
    When the EVVM Client of "alice" activates the VVM service
    Then the STATUS in reply to Activate reports the handset of "alice" new or ready

  @positive
  Scenario: Once the service is activated, notifications are sent to the client
    Given the VVM service of "alice" is deactivated
    And the VVM service of "alice" is activated again
    When a voicemail is deposited in the mailbox "alice"
    Then the handset of "alice" is notified of the new voicemail

  @negative
  Scenario: An Activate from a number without a mailbox gets the failure reply
    When the handset of "mallory" sends "Activate:pv=13;ct=Acme.Phone1.14;pt=5499;//VVM" to the EVVM Server
    Then the handset of "mallory" received the failure reply of Activate, without credentials
