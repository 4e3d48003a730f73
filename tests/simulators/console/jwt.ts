// Minimal HS256 JWT for the session cookie (unifi-os.md §2 "JWT payload" [source]):
// payload `{userId, csrfToken, iat, exp}`. Clients decode it without verifying
// (Art-of-WiFi reads `csrfToken`, vypdev reads `userId`, uiprotect checks `exp`), so
// only the simulator itself verifies the signature, with a random per-console secret.
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface SessionJwtPayload {
  userId: string
  csrfToken: string
  /** Seconds since the epoch (simulated clock). */
  iat: number
  exp: number
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

export function signJwt(payload: SessionJwtPayload, secret: Buffer): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = b64url(JSON.stringify(payload))
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${sig}`
}

/** Payload of any JWT without checking the signature (what clients do). */
export function decodeJwtPayload(token: string): unknown {
  const body = token.split('.')[1]
  if (body === undefined) return undefined
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown
  } catch {
    return undefined
  }
}

/** Payload if the signature is ours and the shape is right; expiry is the caller's job (simulated clock). */
export function verifyJwt(token: string, secret: Buffer): SessionJwtPayload | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [head, body, sig] = parts as [string, string, string]
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest()
  const given = Buffer.from(sig, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const p = decodeJwtPayload(token) as Partial<SessionJwtPayload> | undefined
  if (
    !p ||
    typeof p.userId !== 'string' ||
    typeof p.csrfToken !== 'string' ||
    typeof p.iat !== 'number' ||
    typeof p.exp !== 'number'
  )
    return undefined
  return { userId: p.userId, csrfToken: p.csrfToken, iat: p.iat, exp: p.exp }
}
