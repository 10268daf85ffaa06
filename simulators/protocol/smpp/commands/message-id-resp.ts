/** submit_sm_resp and deliver_sm_resp (§4.4.2, §4.6.2): a message_id, omitted on error. */
import { cstringSize } from '../codec';
import { FIELD_MAX, STATUS } from '../constants';
import type { MessageIdRespPdu } from '../pdu';
import type { CommandCodec } from './types';

export const messageIdResp: CommandCodec = {
  decode(command, status, sequence, r) {
    const pdu: MessageIdRespPdu = { command: command as MessageIdRespPdu['command'], status, sequence };
    if (r.remaining > 0) pdu.body = { messageId: r.cstring('message_id', FIELD_MAX.message_id, STATUS.ESME_RINVMSGID) };
    return pdu;
  },
  measure: (pdu) => cstringSize((pdu as MessageIdRespPdu).body?.messageId ?? ''),
  write: (pdu, w) => w.cstring((pdu as MessageIdRespPdu).body?.messageId ?? ''),
};
