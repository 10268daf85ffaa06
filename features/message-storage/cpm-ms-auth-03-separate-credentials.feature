@CPM-MS-AUTH-03
Feature: CPM-MS-AUTH-03 The username/password is managed separately by the CPM service
  OMA-TS-CPM_MessageStorage §5.1.2 Authentication (CR-CPM):
  "As for above point b), the username/password is separately managed by the CPM service."
  [I] (spec.md b.5): the Message Storage credential is its own. The user's other credentials, the
  voicemail TUI PIN and the SIP (IMS) credentials, do not open the Message Storage Server.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"
    And the Message Storage Server declares the LOGIN command

  @positive
  Scenario: The password the CPM service manages for the Message Storage opens it
    When a CPM client logs in to the Message Storage Server as "alice"
    Then the Message Storage session is authenticated

  @negative
  Scenario: The user's voicemail TUI PIN does not open the Message Storage Server
    When a CPM client logs in to the Message Storage Server as "alice" with the TUI PIN of "alice"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

  @negative
  Scenario: The user's SIP credentials do not open the Message Storage Server
    When a CPM client logs in to the Message Storage Server with the SIP credentials of "alice"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

  @negative
  Scenario: The user's SIP password does not open the Message Storage Server under the CPM username
    When a CPM client logs in to the Message Storage Server as "alice" with the SIP password of "alice"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated
