// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) on the simulator's clock, so tests
// can compute the code a user's authenticator app would show.
import { createHmac } from 'node:crypto'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Decode(text: string): Buffer {
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(c)
    if (index < 0) throw new Error('invalid base32')
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export function totp(secret: string, timeMs: number, stepOffset = 0): string {
  const counter = Math.floor(timeMs / 30_000) + stepOffset
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const digest = createHmac('sha1', base32Decode(secret)).update(message).digest()
  const offset = digest[digest.length - 1]! & 0x0f
  const code = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(code).padStart(6, '0')
}

/** Accepts the current code and one step either side (clock drift), as authenticator servers do. */
export function totpMatches(secret: string, timeMs: number, code: string): boolean {
  return [-1, 0, 1].some((step) => totp(secret, timeMs, step) === code)
}
