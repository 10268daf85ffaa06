/** enquire_link (§4.11): the link check, valid in any session state. */
export { empty as enquireLink, empty as enquireLinkResp } from './empty';
