/** submit_sm (§4.4): an ESME hands the SMSC a short message; submit_sm_resp names its message_id. */
export { shortMessage as submitSm } from './short-message';
export { messageIdResp as submitSmResp } from './message-id-resp';
