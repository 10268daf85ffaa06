/** unbind (§4.2): ends a bound session; the peer answers unbind_resp and the connection closes. */
export { empty as unbind, empty as unbindResp } from './empty';
