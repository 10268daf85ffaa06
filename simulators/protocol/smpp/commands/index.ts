/** The commands this codec speaks, by command_id; anything else is answered ESME_RINVCMDID. */
import { COMMAND_IDS } from '../constants';
import { bind, bindResp } from './bind';
import { deliverSm, deliverSmResp } from './deliver-sm';
import { enquireLink, enquireLinkResp } from './enquire-link';
import { genericNack } from './generic-nack';
import { submitSm, submitSmResp } from './submit-sm';
import type { CommandCodec } from './types';
import { unbind, unbindResp } from './unbind';

const CODECS = new Map<number, CommandCodec>([
  [COMMAND_IDS.bind_transmitter, bind],
  [COMMAND_IDS.bind_receiver, bind],
  [COMMAND_IDS.bind_transceiver, bind],
  [COMMAND_IDS.bind_transmitter_resp, bindResp],
  [COMMAND_IDS.bind_receiver_resp, bindResp],
  [COMMAND_IDS.bind_transceiver_resp, bindResp],
  [COMMAND_IDS.submit_sm, submitSm],
  [COMMAND_IDS.submit_sm_resp, submitSmResp],
  [COMMAND_IDS.deliver_sm, deliverSm],
  [COMMAND_IDS.deliver_sm_resp, deliverSmResp],
  [COMMAND_IDS.enquire_link, enquireLink],
  [COMMAND_IDS.enquire_link_resp, enquireLinkResp],
  [COMMAND_IDS.unbind, unbind],
  [COMMAND_IDS.unbind_resp, unbindResp],
  [COMMAND_IDS.generic_nack, genericNack],
]);

export function codecFor(commandId: number): CommandCodec | undefined {
  return CODECS.get(commandId >>> 0);
}

export type { CommandCodec } from './types';
