/**
 * SMPP v3.4 numbers: command IDs, command_status codes, TLV tags and field limits (SMPP v3.4 Issue 1.2
 * §5.1.2, §5.1.3, §5.2, §5.3; the same tables as smpp 0.5.1's defs.js, which the codec tests compare with).
 */

export const COMMAND_IDS = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof COMMAND_IDS;

const NAMES = new Map<number, CommandName>(Object.entries(COMMAND_IDS).map(([k, v]) => [v, k as CommandName]));

export function commandName(id: number): CommandName | undefined {
  return NAMES.get(id);
}

export function isResponseId(id: number): boolean {
  return (id & 0x80000000) !== 0;
}

/** command_status values (§5.1.3). */
export const STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVESMCLASS: 0x43,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_P_APPN: 0x65,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

export type StatusName = keyof typeof STATUS;

const STATUS_NAMES = new Map<number, StatusName>(Object.entries(STATUS).map(([k, v]) => [v, k as StatusName]));

/** 'ESME_RINVPASWD', or the hex value for a code this table does not name. */
export function statusName(code: number): string {
  return STATUS_NAMES.get(code) ?? `0x${code.toString(16).padStart(8, '0')}`;
}

/** Optional parameter (TLV) tags used here (§5.3.2). */
export const TLV = {
  source_port: 0x020a,
  dest_port: 0x020b,
  sc_interface_version: 0x0210,
  message_payload: 0x0424,
} as const;

/** esm_class bits (§5.2.12). */
export const ESM_CLASS = {
  /** GSM: the short message begins with a user data header */
  UDHI: 0x40,
} as const;

/** data_coding values (§5.2.19) this project produces or decodes. */
export const DATA_CODING = {
  SMSC_DEFAULT: 0x00,
  IA5: 0x01,
  OCTET_UNSPECIFIED: 0x02,
  LATIN1: 0x03,
  BINARY: 0x04,
  UCS2: 0x08,
} as const;

/** type_of_number (§5.2.5). */
export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NATIONAL: 2, NETWORK_SPECIFIC: 3, SUBSCRIBER: 4, ALPHANUMERIC: 5, ABBREVIATED: 6 } as const;
/** numbering_plan_indicator (§5.2.6). */
export const NPI = { UNKNOWN: 0, ISDN: 1 } as const;

export const INTERFACE_VERSION_34 = 0x34;

/**
 * Maximum sizes of C-Octet String fields, NUL included (§4.1, §5.2). PRAC-04: system_id < 16 and
 * password < 9 octets; a longer value is refused with the field's own error.
 */
export const FIELD_MAX = {
  system_id: 16,
  password: 9,
  system_type: 13,
  address_range: 41,
  service_type: 6,
  source_addr: 21,
  destination_addr: 21,
  /** either empty (1) or 17 */
  schedule_delivery_time: 17,
  validity_period: 17,
  message_id: 65,
} as const;

/** sm_length is 0..254 (§5.2.21); longer texts go in message_payload. */
export const SHORT_MESSAGE_MAX = 254;

export const HEADER_LENGTH = 16;
