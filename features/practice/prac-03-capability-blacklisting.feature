@PRAC-03 @practice
Feature: PRAC-03 Capability blacklisting is a downgrade to flag
  Deployment practice (AOSP vvm_disabled_capabilities_string_array: STARTTLS disabled for Orange,
  DIGEST-MD5 for T-Mobile US), not EVVM spec text: "Capability blacklisting (STARTTLS or DIGEST-MD5
  disabled) is a downgrade to flag." Such a configuration weakens EVVM-AUTH-03/04: the EVVM Client
  reports it as the downgrade it is, and a disabled STARTTLS never puts credentials in the clear.

  @positive
  Scenario: With no capability disabled the EVVM Client has no downgrade to report
    When the EVVM Client of "alice" retrieves its voicemail over STARTTLS with no capability disabled by the operator's configuration
    Then the EVVM Client reported no downgrade and authenticated the EVVM Server

  @negative
  Scenario: STARTTLS disabled by configuration is reported, and no credential goes out in the clear
    When the EVVM Client of "alice" retrieves its voicemail over STARTTLS with STARTTLS disabled by the operator's configuration
    Then the EVVM Client reported the disabled capability as a downgrade
    And no credential of "alice" reached the EVVM Server without TLS

  @negative
  Scenario: DIGEST-MD5 disabled by configuration is reported
    When the EVVM Client of "alice" retrieves its voicemail over implicit TLS with DIGEST-MD5 disabled by the operator's configuration
    Then the EVVM Client reported the disabled capability as a downgrade
