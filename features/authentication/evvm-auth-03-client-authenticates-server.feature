@EVVM-AUTH-03
Feature: EVVM-AUTH-03 The EVVM Client authenticates the EVVM Server
  OMA EVVM AD §6.4 Security Considerations, Authentication (CR-SEC):
  "The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF]."
  This feature covers the first half: the client authenticates the server (trust anchor, host name,
  validity) before any credential leaves it.

  Background:
    Given the EVVM Server serves the mailboxes "alice" and "bob", each holding a voicemail

  @positive
  Scenario Outline: The EVVM Client authenticates the EVVM Server over <transport> and then logs in
    When the EVVM Client retrieves the voicemail of "alice" from the EVVM Server over <transport>
    Then the EVVM Client authenticated the EVVM Server's certificate
    And the EVVM Client reads the voicemail of "alice"

    Examples:
      | transport    |
      | implicit TLS |
      | STARTTLS     |

  @negative
  Scenario Outline: A rogue server whose certificate is <flaw> gets no credential
    Given a rogue IMAP server presents a certificate that is <flaw>
    When the EVVM Client retrieves the voicemail of "alice" from the rogue server over <transport>
    Then no credential reached the rogue server
    And the EVVM Client did not authenticate the server

    Examples:
      | flaw                        | transport    |
      | issued by an untrusted CA   | implicit TLS |
      | issued by an untrusted CA   | STARTTLS     |
      | expired                     | implicit TLS |
      | not yet valid               | implicit TLS |
      | issued for another host     | implicit TLS |
      | issued for another host     | STARTTLS     |
      | not for server use          | implicit TLS |

  @negative
  Scenario: A man in the middle strips STARTTLS and gets no credential
    Given a man in the middle strips STARTTLS between the EVVM Client and the EVVM Server
    When the EVVM Client retrieves the voicemail of "alice" through the man in the middle
    Then no credential crossed the man in the middle
    And the EVVM Client did not authenticate the server
