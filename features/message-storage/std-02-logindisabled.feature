@STD-02
Feature: STD-02 LOGINDISABLED on the Message Storage Server's unencrypted connections
  RFC 2595 §3.2: "An IMAP server which implements STARTTLS MUST implement support for the LOGINDISABLED
  capability on unencrypted connections", and a complying client "MUST NOT issue the LOGIN command if
  this capability is present."
  The Message Storage Server's side (IF-5, with CPM-MS-AUTH-05), when the service provider requires TLS.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"
    And the service provider's policy requires TLS on the Message Storage Server

  @positive
  Scenario: Before TLS the Message Storage Server advertises LOGINDISABLED, after STARTTLS it does not
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client upgrades with STARTTLS
    Then the Message Storage Server's capabilities before TLS include "STARTTLS" and "LOGINDISABLED"
    And the Message Storage Server's capabilities after TLS no longer include "LOGINDISABLED"
    And the CPM client can then log in as "alice"

  @negative
  Scenario: A client that ignores LOGINDISABLED does not get in before TLS
    When a CPM client connects to the Message Storage Server's STARTTLS port
    And the CPM client authenticates by LOGIN as "alice" on that connection
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated
