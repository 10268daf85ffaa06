@EVVM-CONT-04
Feature: EVVM-CONT-04 Ensuring non-repudiation for the voicemail
  OMA EVVM AD §6.4 Security Considerations, Security of Voice Mail Contents (CR-SEC):
  "Regarding voicemail contents, the EVVM Enabler SHALL support the following security-related
  functionalities: … · Ensuring the non-repudiation for the voicemail."
  The mechanism is inferred [I]: an asymmetric signature with a signing time, by a certificate with the
  nonRepudiation key usage that binds the signer's identity. A caller with a key signs as itself; for a
  caller without one (the PSTN), the depositing EVVM Server signs, and the report says the signer is the
  server (open question 7). A MAC is not a signature: anyone holding its key could have made it.

  Background:
    Given the EVVM Server protects voicemail for the mailbox "alice", whose device holds the decryption key
    And the service provider's policy requires non-repudiable signatures

  @positive
  Scenario Outline: The EVVM Server signs for a caller without a key (<suite> algorithms)
    Given the service provider's policy encrypts whole voicemails with the <suite> algorithms
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client of "alice" verifies the voicemail as signed by the EVVM Server on behalf of the caller
    And the signature has a signing time, a trusted chain, no revocation and the non-repudiation key usage
    And the EVVM Client of "alice" plays the voicemail

    Examples:
      | suite   |
      | modern  |
      | classic |

  @positive
  Scenario Outline: A caller with a key signs as itself (<suite> algorithms)
    Given the service provider's policy encrypts whole voicemails with the <suite> algorithms
    When a caller with a key signs its voicemail for "alice" with its own certificate
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client of "alice" verifies the voicemail as signed by the caller itself
    And the signature has a signing time, a trusted chain, no revocation and the non-repudiation key usage
    And the EVVM Client of "alice" decrypts the voicemail to what the caller left, byte for byte
    And the EVVM Client of "alice" plays the voicemail

    Examples:
      | suite   |
      | modern  |
      | classic |

  @negative
  Scenario Outline: A signature by a certificate that is <flaw> is rejected
    Given the service provider's policy encrypts whole voicemails with the modern algorithms
    When a caller with a key signs its voicemail for "alice" with a certificate that is <flaw>
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail instead of playing it, because <reason>

    Examples:
      | flaw                                  | reason                                                     |
      | issued to another identity            | the signer is neither the caller nor the EVVM Server       |
      | issued by an untrusted CA             | the signer's certificate does not chain to a trust anchor  |
      | expired                               | the signer's certificate had expired at the signing time   |
      | not yet valid                         | the signer's certificate was not yet valid at signing time |
      | revoked                               | the signer's certificate is revoked                        |
      | not for S/MIME                        | the signer's certificate is not for signing voicemail      |
      | for encryption only                   | the signer's certificate is not for signing voicemail      |
      | without the non-repudiation key usage | the signer's certificate does not support non-repudiation  |

  @negative
  Scenario Outline: A MAC in place of a signature is rejected as proof of origin (<encryption>)
    Given the service provider's policy <encryption> with the modern algorithms
    And an attacker with write access to the message store replaces the voicemail by one protected with a MAC instead of a signature
    When a caller without a key leaves a voicemail for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail instead of playing it, because a MAC is not a signature

    Examples:
      | encryption                                  |
      | encrypts whole voicemails                   |
      | signs voicemails but does not encrypt them  |
