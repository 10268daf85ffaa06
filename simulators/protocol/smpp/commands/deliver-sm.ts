/** deliver_sm (§4.6): the SMSC hands a bound receiver a short message; deliver_sm_resp's message_id is NULL. */
export { shortMessage as deliverSm } from './short-message';
export { messageIdResp as deliverSmResp } from './message-id-resp';
