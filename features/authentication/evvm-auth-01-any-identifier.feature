@EVVM-AUTH-01
Feature: EVVM-AUTH-01 The EVVM Server authenticates the user by any one of the mailbox's identifiers
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "EVVM supports associating multiple identifiers with the user's voicemail box. The EVVM user SHALL be
  authenticated by EVVM Server using any one of these identifiers."

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario Outline: The EVVM Client logs in by the <kind> of the mailbox and reads its voicemail
    When the EVVM Client logs in as the <kind> of "alice" with the password of "alice"
    Then the EVVM Client reads the voicemail of "alice"

    Examples:
      | kind         |
      | MSISDN       |
      | SIP URI      |
      | e-mail alias |

  @positive
  Scenario Outline: SASL <mechanism> authenticates the user by the <kind> of the mailbox
    Given the EVVM Server declares the SASL mechanism <mechanism>
    When a test client authenticates with SASL <mechanism> as the <kind> of "alice" with the password of "alice"
    Then the session is authenticated for the mailbox "alice"

    Examples:
      | mechanism     | kind         |
      | PLAIN         | MSISDN       |
      | CRAM-MD5      | SIP URI      |
      | SCRAM-SHA-256 | e-mail alias |
      | SCRAM-SHA-256 | MSISDN       |

  @negative
  Scenario: An identifier associated with no mailbox is refused as an unknown user
    When a test client logs in as the unassociated identifier "tel:+15559999" with the password of "alice"
    Then the login is refused, with the VVM text "unknown user" as secondary evidence
    And the session is not authenticated

  @negative
  Scenario: A valid identifier with a wrong password is refused
    When a test client logs in as the MSISDN of "alice" with a wrong password
    Then the login is refused, with the VVM text "invalid password" as secondary evidence
    And the session is not authenticated

  @negative
  Scenario Outline: The <kind> of another mailbox does not open the mailbox with this mailbox's password
    When a test client logs in as the <kind> of "bob" with the password of "alice"
    Then the login is refused
    And the session is not authenticated

    Examples:
      | kind         |
      | MSISDN       |
      | e-mail alias |

  @negative
  Scenario: An identifier of another mailbox opens that mailbox, never this one
    When the EVVM Client logs in as the SIP URI of "bob" with the password of "bob"
    Then the EVVM Client reads the voicemail of "bob"
    And the EVVM Client does not see the voicemail of "alice"
