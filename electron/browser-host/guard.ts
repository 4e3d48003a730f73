// The guard in front of every /api call: the Host header must name our own address (DNS
// rebinding), a present Origin must be our own origin, and the per-run token must be in
// `x-keyward-token` (compared in constant time).
import { timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { fail, type Outcome } from '../../shared/result.ts'

export interface Refusal {
  status: 401 | 403 | 421
  body: Outcome<never>
}

const sameToken = (given: string, token: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export class ApiGuard {
  readonly token: string
  readonly hostHeader: string
  readonly origin: string

  /** `hostHeader` is our `host:port` as a browser sends it (`[::1]:port` for IPv6). */
  constructor(token: string, hostHeader: string) {
    this.token = token
    this.hostHeader = hostHeader
    this.origin = `http://${hostHeader}`
  }

  /** Whether a request for a page or file names our own address. */
  ownHost(headers: IncomingHttpHeaders): boolean {
    return headers.host === this.hostHeader
  }

  /** Null when the API request may pass, else the answer to send. */
  check(headers: IncomingHttpHeaders): Refusal | null {
    if (!this.ownHost(headers)) return { status: 421, body: fail('unauthorized', 'Wrong Host header.') }
    if (headers.origin !== undefined && headers.origin !== this.origin) {
      return { status: 403, body: fail('unauthorized', 'Cross-origin requests are refused.') }
    }
    const given = headers['x-keyward-token']
    if (typeof given !== 'string' || !sameToken(given, this.token)) {
      return {
        status: 401,
        body: fail('unauthorized', 'Missing or wrong session token; open the URL the browser host printed.'),
      }
    }
    return null
  }
}
