// The session cookie and its JWT as a console sets them (unifi-os.md §2 200 success, Session):
// which Set-Cookie lines set and which clear a cookie, and the JWT claims Keyward reads.
import { z } from 'zod'
import type { HttpsReply } from '../net/https.ts'
import { optionalText } from './envelope.ts'

/** The JWT claims read here (§2): `csrfToken` (some builds send CSRF only there) and `userId`. */
const jwtClaims = z.looseObject({ csrfToken: optionalText, userId: optionalText })

export function claimsOf(jwt: string): z.infer<typeof jwtClaims> | null {
  // A cookie value may come in double quotes (RFC 6265 §4.1.1); the JWT is inside.
  const payload = jwt.replace(/^"|"$/g, '').split('.')[1]
  if (!payload) return null
  try {
    const claims = jwtClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
    return claims.success ? claims.data : null
  } catch {
    return null
  }
}

/** Reads `csrfToken` from a JWT payload; some builds send CSRF only there (§2, [report, unattributed]). */
export function csrfFromJwt(jwt: string): string | null {
  return claimsOf(jwt)?.csrfToken ?? null
}

/** One Set-Cookie line: its name and value, and whether it clears the cookie instead of setting it. */
export interface SetCookie {
  name: string
  value: string
  cleared: boolean
}

/** Expiry dates before this clear a cookie when the reply has no `Date` (the "1 Jan 1970" idiom). */
const LONG_AGO = Date.parse('2000-01-01T00:00:00Z')

/**
 * The cookies a reply sets, attributes dropped. A line with an empty value, `Max-Age` ≤ 0 or an
 * `Expires` before the reply's own `Date` clears its cookie, as in a browser: a console may clear
 * one session name while it sets the other (§2: `TOKEN`, or `UOS_TOKEN` on UniFi OS 4). The
 * console's clock, not this computer's, decides: a console whose clock is off still keeps its session.
 */
export function setCookies(reply: HttpsReply): SetCookie[] {
  const raw = reply.headers['set-cookie'] ?? []
  const sent = Date.parse(reply.headers.date ?? '')
  const now = Number.isNaN(sent) ? LONG_AGO : sent
  return raw.flatMap((line) => {
    const [pair = '', ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    if (eq <= 0) return []
    const value = pair.slice(eq + 1).trim()
    const expired = attributes.some((attribute) => {
      const [key = '', setting = ''] = attribute.split('=').map((part) => part.trim())
      return (/^max-age$/i.test(key) && Number(setting) <= 0) || (/^expires$/i.test(key) && Date.parse(setting) < now)
    })
    return [{ name: pair.slice(0, eq).trim(), value, cleared: expired || value === '' || value === '""' }]
  })
}
