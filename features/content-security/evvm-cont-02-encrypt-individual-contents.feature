@EVVM-CONT-02
Feature: EVVM-CONT-02 Encrypting individual voicemail contents for confidentiality
  OMA EVVM AD §6.4 Security Considerations, Security of Voice Mail Contents (CR-SEC):
  "Regarding voicemail contents, the EVVM Enabler SHALL support the following security-related
  functionalities: · Encrypting the all voicemail contents or individual contents for confidentiality,"
  This feature covers "individual contents". The mechanism is inferred [I]: each chosen body part (the
  audio, the transcription) is enveloped on its own for the mailbox owner's device; the headers and the
  other parts stay in clear. The signature covers the plaintext, so the device decrypts, then verifies.

  Background:
    Given the EVVM Server protects voicemail for the mailbox "alice", whose device holds the decryption key

  @positive
  Scenario Outline: Only the <parts> part(s) of the voicemail are enveloped (<suite> algorithms)
    Given the service provider's policy encrypts the <parts> part(s) of voicemails with the <suite> algorithms
    When a caller without a key leaves a voicemail with a transcription for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Server stored the <parts> part(s) enveloped for the device of "alice" only and the rest in clear
    And the voicemail was served over IMAP exactly as stored
    And the EVVM Client of "alice" decrypts the voicemail to what the caller left, byte for byte
    And the EVVM Client of "alice" plays the voicemail

    Examples:
      | parts                | suite   |
      | audio                | modern  |
      | audio                | classic |
      | audio, transcription | modern  |

  @negative
  Scenario Outline: The device key of another mailbox does not decrypt the enveloped audio (<suite> algorithms)
    Given the service provider's policy encrypts the audio part(s) of voicemails with the <suite> algorithms
    When a caller without a key leaves a voicemail with a transcription for "alice"
    And the voicemail of "alice" is retrieved over IMAP and opened with the device key of "bob"
    Then the device key of "bob" does not reveal the audio of the voicemail
    And the EVVM Client reports the voicemail instead of playing it

    Examples:
      | suite   |
      | modern  |
      | classic |

  @negative
  Scenario Outline: One flipped byte of the enveloped audio is detected (<suite> algorithms)
    Given the service provider's policy encrypts the audio part(s) of voicemails with the <suite> algorithms
    And an attacker with write access to the message store flips one byte of the encrypted content
    When a caller without a key leaves a voicemail with a transcription for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as tampered instead of playing it

    Examples:
      | suite   |
      | modern  |
      | classic |

  @negative
  Scenario: An audio part put back in clear is reported, although the signature over it still verifies
    Given the service provider's policy encrypts the audio part(s) of voicemails with the modern algorithms
    And an attacker with write access to the message store puts the plaintext audio in place of its envelope
    When a caller without a key leaves a voicemail with a transcription for "alice"
    And the EVVM Client of "alice" retrieves the voicemail over IMAP
    Then the EVVM Client reports the voicemail as not encrypted instead of playing it
