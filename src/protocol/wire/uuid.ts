/**
 * Kafka's Uuid as text: 16 bytes in URL-safe base64 without padding, 22 characters
 * (org.apache.kafka.common.Uuid.toString). Text keeps decoded messages plain JSON.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** Uuid.ZERO_UUID, the default of every uuid field. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidFromBytes(bytes: Uint8Array, offset: number): string {
  let out = '';
  for (let i = offset; i < offset + 15; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const last = bytes[offset + 15]!;
  return out + ALPHABET[last >>> 2]! + ALPHABET[(last & 3) << 4]!;
}

/**
 * Writes the 16 bytes of a uuid's text into `out`; false when the text is not the canonical form
 * of some 16 bytes (so that text and bytes map one to one).
 */
export function uuidToBytes(text: string, out: Uint8Array, offset: number): boolean {
  if (text.length !== 22) return false;
  let o = offset;
  for (let i = 0; i < 20; i += 4) {
    const a = sextet(text, i), b = sextet(text, i + 1), c = sextet(text, i + 2), d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return false;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const a = sextet(text, 20), b = sextet(text, 21);
  if ((a | b) < 0 || (b & 15) !== 0) return false;
  out[o] = (a << 2) | (b >>> 4);
  return true;
}

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUE[code]! : -1;
}
