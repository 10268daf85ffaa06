/**
 * What a careless relay does to a voicemail (EVVM-IW-C03's negative): it re-wraps every base64 body at
 * another line width. The content decodes to the same audio, but the bytes a signature covers change,
 * so the signature no longer verifies. Used by relay faults and by the harness's re-encoding relay.
 */
export function reEncode(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  // a run of two or more full-looking base64 lines is a base64 body
  const out = text.replace(/(?:^[A-Za-z0-9+/]{16,}={0,2}\r?\n){2,}/gm, (block) => {
    const eol = block.includes('\r\n') ? '\r\n' : '\n';
    const joined = block.replace(/\r?\n/g, '');
    const width = (block.split(/\r?\n/)[0]!.length === 64 ? 72 : 64);
    const lines: string[] = [];
    for (let i = 0; i < joined.length; i += width) lines.push(joined.slice(i, i + width));
    return lines.join(eol) + eol;
  });
  return Buffer.from(out, 'latin1');
}
