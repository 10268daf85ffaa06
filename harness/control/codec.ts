/**
 * JSON for the control API that keeps bytes as bytes: a Buffer (a voicemail, what a client sent) travels
 * as { "$base64": "…" } and comes back a Buffer, so a role's observations read the same on both sides.
 */
const TAG = '$base64';

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? { [TAG]: Buffer.from(original).toString('base64') } : v;
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === TAG && typeof o[TAG] === 'string') return Buffer.from(o[TAG], 'base64');
    }
    return v;
  });
}
