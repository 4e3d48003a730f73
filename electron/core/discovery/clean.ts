// Text from devices (UBNT TLVs, mDNS names and TXT, HTTPS fingerprints) is
// attacker-controlled: control characters and Unicode bidi controls could make
// a card read as something it is not ("AP\u202Egnp.exe"), and length is theirs
// to choose. Every such string goes through cleanText before a card keeps it
// (issue 14 §8). Unsafe characters become U+FFFD, visibly, instead of vanishing.

/**
 * C0 and C1 controls (TAB and LF included: names are one line), DEL, the bidi
 * embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
 * U+200E/U+200F and U+061C (ARABIC LETTER MARK), and the line/paragraph
 * separators U+2028/U+2029.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** Longest device string a card keeps (DNS names are ≤ 255 octets; TLVs are the sender's choice). */
export const MAX_TEXT = 256

/** Unsafe characters replaced by U+FFFD, then capped at `max` UTF-16 units (never splitting a pair). */
export function cleanText(value: string, max = MAX_TEXT): string {
  const s = value.replace(UNSAFE_CHARS, '\uFFFD')
  if (s.length <= max) return s
  const cut = s.charCodeAt(max - 1) >= 0xd800 && s.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max
  return s.slice(0, cut)
}

/** cleanText for optional values. */
export function cleanOptional(value: string | null | undefined, max = MAX_TEXT): string | null {
  return typeof value === 'string' ? cleanText(value, max) : null
}
