@CPM-MS-AUTH-04
Feature: CPM-MS-AUTH-04 The password may be pre-configured when the user subscribes
  OMA-TS-CPM_MessageStorage §5.1.2 Authentication (CR-CPM):
  "The password may be pre-configured by the CPM system when the CPM user subscribes to the CPM service."
  Comment F038 asked how the CPM client learns the password: the CPM system hands it to the client's
  configuration out of band. Lower-case "may": tested when the Message Storage Server declares it. With a
  vendor's server the vendor subscribes the users and names them in the profile (preconfigured: true).

  Background:
    Given the Message Storage Server serves the CPM users "alice" and "bob"
    And the Message Storage Server declares pre-configured passwords

  @positive
  Scenario: A freshly subscribed user logs in with the password from its client configuration
    When the CPM system subscribes the user "dave"
    And a CPM client logs in to the Message Storage Server as "dave" with the password from its configuration
    Then the Message Storage session is authenticated

  @negative
  Scenario: Subscribers get different pre-configured passwords
    When the CPM system subscribes the users "dave" and "erin"
    Then the pre-configured passwords of "dave" and "erin" differ

  @negative
  Scenario: One subscriber's pre-configured password does not open another subscriber's store
    When the CPM system subscribes the users "dave" and "erin"
    And a CPM client logs in to the Message Storage Server as "erin" with the pre-configured password of "dave"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated

  @negative
  Scenario: A pre-configured password does not open an existing user's store
    When the CPM system subscribes the user "dave"
    And a CPM client logs in to the Message Storage Server as "alice" with the pre-configured password of "dave"
    Then the Message Storage Server refuses the authentication
    And the Message Storage session is not authenticated
