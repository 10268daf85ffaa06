@STD-01
Feature: STD-01 No plaintext SMTP AUTH mechanism without STARTTLS
  RFC 4954 §4: "A server implementation MUST implement a configuration in which it does NOT permit any
  plaintext password mechanisms, unless either the STARTTLS [SMTP-TLS] command has been negotiated or
  some other mechanism that protects the session from password snooping has been provided. Server sites
  SHOULD NOT use any configuration which permits a plaintext password mechanism without such a
  protection mechanism against password snooping."
  The EVVM Server's SMTP deposit interface (IF-2) authenticates users by SMTP AUTH with the mailbox
  credentials; 538 as the refusal code is [P] in spec.md.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario Outline: After STARTTLS the EVVM Server takes AUTH <mechanism> and a deposit
    When a test client opens an SMTP session on the EVVM Server's deposit interface
    And the test client upgrades the SMTP session with STARTTLS
    And the test client authenticates by AUTH <mechanism> as the e-mail alias of "alice" with the password of "alice"
    Then the SMTP authentication succeeds
    And the test client can deposit a voicemail for "bob"

    Examples:
      | mechanism |
      | PLAIN     |
      | LOGIN     |

  @negative
  Scenario Outline: Before STARTTLS, AUTH <mechanism> is refused and authenticates nobody
    When a test client opens an SMTP session on the EVVM Server's deposit interface
    And the test client authenticates by AUTH <mechanism> as the e-mail alias of "alice" with the password of "alice"
    Then the EVVM Server offers STARTTLS before TLS
    And the SMTP authentication is refused with 538
    And the SMTP session is not authenticated

    Examples:
      | mechanism |
      | PLAIN     |
      | LOGIN     |
