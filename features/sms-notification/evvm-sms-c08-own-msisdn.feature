@EVVM-SMS-C08 @candidate
Feature: EVVM-SMS-C08 Only the subscriber's own MSISDN activates or deactivates the service
  Candidate requirement [I], not EVVM spec text: "Only the subscriber's own MSISDN may activate or
  deactivate the service." The only identity of an MO command is the originating address the network sets.
  An Activate or Deactivate from another MSISDN changes nothing for the subscriber, and its reply leaks no
  credentials. "mallory" has no mailbox; her number ends in the same seven digits as alice's.

  Background:
    Given the EVVM Server declares the MO command "Activate"
    And the EVVM Server declares the MO command "Deactivate"
    And the SMSC serves the EVVM Server and the handsets of "alice" and "bob"
    And a handset "mallory" whose number has no mailbox but ends in the same seven digits as the MSISDN of "alice"
    And the EVVM Client of "alice" has activated the VVM service

  @positive
  Scenario: The subscriber deactivates and reactivates the service from her own MSISDN
    Given the EVVM Client of "alice" has deactivated the VVM service
    When the EVVM Client of "alice" activates the VVM service
    Then the EVVM Server notifies "alice"
    And the STATUS that the handset of "alice" received carries the credentials of "alice"

  @negative
  Scenario: A Deactivate from another MSISDN changes nothing for the subscriber
    When the handset of "mallory" sends "Deactivate:pv=13;ct=Acme.Phone1.14" to the EVVM Server
    And a voicemail is deposited in the mailbox "alice"
    Then the EVVM Server notifies "alice"
    And the STATUS that the handset of "mallory" received reports the status "U"
    And the handset of "alice" received a SYNC for the new voicemail

  @negative
  Scenario: An Activate from another MSISDN gets no credentials
    When the handset of "mallory" sends "Activate:pv=13;ct=Acme.Phone1.14;pt=5499;//VVM" to the EVVM Server
    Then the STATUS that the handset of "mallory" received reports the status "U"
    And the STATUS that the handset of "mallory" received carries no credentials
    And no password of any mailbox reached the handset of "mallory"

  @negative
  Scenario: Another subscriber's Deactivate changes only that subscriber
    Given the EVVM Client of "bob" has activated the VVM service
    When the EVVM Client of "bob" deactivates the VVM service
    Then the EVVM Server reports "bob" as not activated
    And the EVVM Server notifies "alice"
