@CPM-MS-AUTH-02
Feature: CPM-MS-AUTH-02 Username and password (LOGIN) to the Message Storage Server
  OMA-TS-CPM_MessageStorage §5.1.2 Authentication (CR-CPM):
  "Two authentication mechanisms as below are defined for IMAPv4 [RFC2595][ RFC3501]. … b) Username/Password
  in plain texts."
  Mechanism b) is the IMAP LOGIN command. "In plain texts" is the form of the credential; TLS, optional
  and complementary (CPM-MS-AUTH-05), protects it on the wire. Tested when the server declares LOGIN.

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"
    And the Message Storage Server declares the LOGIN command

  @positive
  Scenario Outline: LOGIN with the CPM user's username and password over <transport>
    When a CPM client logs in to the Message Storage Server over <transport> as "alice"
    Then the Message Storage session is authenticated

    Examples:
      | transport    |
      | implicit TLS |
      | STARTTLS     |

  @positive
  Scenario Outline: Each CPM user's LOGIN opens that user's own store, and no other
    When a CPM client logs in to the Message Storage Server as "<user>"
    Then the Message Storage session is authenticated

    Examples:
      | user  |
      | alice |
      | bob   |

  @negative
  Scenario: LOGIN with a wrong password is refused
    When a CPM client logs in to the Message Storage Server as "alice" with a wrong password
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

  @negative
  Scenario: LOGIN as a user the Message Storage Server does not know is refused
    When a CPM client logs in to the Message Storage Server as the unknown user "nobody@op.example" with the password of "alice"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

  @negative
  Scenario: One user's password does not open another user's store
    When a CPM client logs in to the Message Storage Server as "bob" with the password of "alice"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated
