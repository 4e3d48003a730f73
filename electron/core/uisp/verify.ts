// Verifies a UISP API token with one real authenticated call (uisp.md §2:
// `GET /user` or `GET /devices` with x-auth-token; 200 or 401), chosen so that
// it also proves the scope the token is for: `/user` for monitoring (guest, the
// lowest scope), `/nms/connection` (admin scope, UNMS nms/plugin.js) for
// registering devices. Before the token is sent anywhere, the unauthenticated
// `/nms/version` shows that the pinned address is a UISP server (and gives the
// version; see fetchUispVersion for servers that hide it).
// A scope failure is hapi's 403 "Insufficient scope" [inferred: hapi's auth
// scope check answers 403; UNMS routes declare `auth: {scope: 'admin'}`].
// UISP answers 401 both for an unknown and an expired token: we tell them apart
// by the expiry recorded when the token was made.
import { KeywardFailure } from '../../../shared/result.ts'
import { httpsRequest, type HttpsReply } from '../net/https.ts'
import { retryAfterSeconds } from '../net/retry-after.ts'
import { AUTH_HEADER, parseBody, UISP_API } from './http.ts'
import { connectionReply, objectReply } from './replies.ts'
import { fetchUispVersion, type UispTarget } from './session.ts'
import { UISP_SCOPES, UISP_TOKEN_PURPOSES, type UispTokenPurpose } from './tokens.ts'
import type { UispExpiry, UispTokenCheck, UispTokenCheckFailed, UispTokenProblem } from './types.ts'
import { addressKey } from '../../../shared/format.ts'
import type { FailWith } from './fail.ts'

export const DEFAULT_UISP_EXPIRY_LEAD_DAYS = 7

/** A token's expiry state at `now`; `expiring` within `leadDays`. */
export function uispExpiry(
  expiresAt: string | null,
  now: number,
  leadDays = DEFAULT_UISP_EXPIRY_LEAD_DAYS,
): UispExpiry {
  if (expiresAt === null) return 'never'
  const at = Date.parse(expiresAt)
  if (Number.isNaN(at)) return 'valid'
  if (at <= now) return 'expired'
  return at - now <= leadDays * 86_400_000 ? 'expiring' : 'valid'
}

export interface UispVerifyOptions {
  target: UispTarget
  token: string
  purpose: UispTokenPurpose
  /** The expiry recorded at creation; null = never expires; undefined = unknown. */
  expiresAt?: string | null
  leadDays?: number
  timeoutMs?: number
  now?: () => number
}

type Fail = FailWith<UispTokenProblem, UispTokenCheckFailed>

/** No answer, or a certificate other than the trusted one: nothing was sent. */
function networkFailure(target: UispTarget, f: KeywardFailure, failed: Fail): UispTokenCheck {
  return f.code === 'certificate-changed'
    ? failed(
        'tls_pin_mismatch',
        `${target.label} now presents a different certificate than the one you trusted, so Keyward sent nothing.`,
        'If you renewed the UISP certificate, trust the server again; otherwise check who is answering at that address.',
      )
    : failed(
        'unreachable',
        `${target.label} did not answer: ${f.message}`,
        'Check that the UISP server is running and reachable from this computer, then check again.',
      )
}

/** The unauthenticated `/nms/version`: the address is a UISP server (its version, or null), else the answer. */
async function serverVersion(
  opts: UispVerifyOptions,
  failed: Fail,
): Promise<{ version: string | null } | UispTokenCheck> {
  const { target } = opts
  try {
    return { version: (await fetchUispVersion(target, { timeoutMs: opts.timeoutMs ?? 6000 })).version }
  } catch (error) {
    if (!(error instanceof KeywardFailure)) throw error
    if (error.detail !== 'not-uisp') return networkFailure(target, error, failed)
    return failed(
      'not_uisp',
      `${target.label} answers, but not as a UISP server, so Keyward did not send the token.`,
      'Check the address and port of your UISP server (the one you open UISP with in a browser).',
    )
  }
}

/**
 * The status is the proof only when the API gave it: `/user` answers the user object (uisp.md §2), and
 * `/nms/connection` the key as text (§4, see fetchUispKey). A web page, broken JSON or another shape came
 * from something else (a proxy, a login page), which proves nothing. Returns the username `/user` named.
 */
function provenBy(reply: HttpsReply, purpose: UispTokenPurpose): { username?: string } | null {
  let body: unknown
  try {
    body = parseBody(reply, 'The check')
  } catch {
    return null
  }
  if (purpose !== 'monitor') return connectionReply.safeParse(body).success ? {} : null
  const user = objectReply.safeParse(body)
  if (!user.success) return null
  const name = user.data.username
  return typeof name === 'string' ? { username: name.slice(0, 256) } : {}
}

/** What a refusal or an odd status of the check call means. */
function refusal(reply: HttpsReply, opts: UispVerifyOptions, expiresAt: string | null, failed: Fail): UispTokenCheck {
  const { target, purpose } = opts
  const now = opts.now ?? Date.now
  const spec = UISP_TOKEN_PURPOSES[purpose]
  if (reply.status === 401 && uispExpiry(expiresAt, now()) === 'expired') {
    return failed(
      'expired',
      `This UISP token expired on ${new Date(Date.parse(expiresAt!)).toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      'Make a new token (Keyward can do it for you) and replace this one wherever it is used.',
    )
  }
  if (reply.status === 401) {
    return failed(
      'invalid_key',
      `${target.label} does not accept this token: it was revoked, mistyped, or made on another UISP server.`,
      `Make a new token on ${target.label}.`,
    )
  }
  if (reply.status === 403) {
    return failed(
      'insufficient_scope',
      `${target.label} knows this token, but its scope is too low to ${purpose === 'register-devices' ? 'read the UISP key' : 'read devices'}: that needs ${UISP_SCOPES[spec.scope].label} scope.`,
      `Make a new token with ${UISP_SCOPES[spec.scope].label} scope (as a user who has it), then revoke this one.`,
    )
  }
  if (reply.status === 429) {
    const seconds = retryAfterSeconds(reply.headers['retry-after'], now())
    return failed(
      'rate_limited',
      `${target.label} is rate-limiting API calls right now.`,
      `Wait ${seconds} s, then check again.`,
      {
        retryAfterSeconds: seconds,
      },
    )
  }
  if (reply.status === 404) {
    return failed(
      'not_uisp',
      `${target.label} has no ${UISP_API}${spec.checkPath}; it may be a UISP version Keyward does not know.`,
      'Check the address, and that the server runs UISP (not a UISP device).',
    )
  }
  return failed(
    'unreachable',
    `${target.label} answered ${reply.status}; it may be starting or updating.`,
    'Check again in a minute.',
  )
}

export async function verifyUispToken(opts: UispVerifyOptions): Promise<UispTokenCheck> {
  const now = opts.now ?? Date.now
  const { target, purpose } = opts
  const host = addressKey(target.host, target.port)
  const checkedAt = () => new Date(now()).toISOString()
  const failed: Fail = (problem, message, nextStep, extra = {}) => ({
    status: 'failed',
    app: 'uisp',
    host,
    problem,
    message,
    nextStep,
    checkedAt: checkedAt(),
    ...extra,
  })
  const server = await serverVersion(opts, failed)
  if ('status' in server) return server
  const spec = UISP_TOKEN_PURPOSES[purpose]
  let reply: HttpsReply
  try {
    reply = await httpsRequest({
      host: target.host,
      port: target.port,
      path: `${UISP_API}${spec.checkPath}`,
      pin: target.pin,
      timeoutMs: opts.timeoutMs ?? 6000,
      maxBytes: 256 * 1024,
      headers: { [AUTH_HEADER]: opts.token },
    })
  } catch (error) {
    if (error instanceof KeywardFailure) return networkFailure(target, error, failed)
    throw error
  }
  const expiresAt = opts.expiresAt ?? null
  if (reply.status !== 200) return refusal(reply, opts, expiresAt, failed)
  const proof = provenBy(reply, purpose)
  if (!proof) {
    return failed(
      'not_uisp',
      `${target.label} answered ${UISP_API}${spec.checkPath}, but not as the UISP API, so the token could not be checked.`,
      'Check the address and port of your UISP server (not a proxy or login page in front of it), then check again.',
    )
  }
  return {
    status: 'ok',
    app: 'uisp',
    host,
    appVersion: server.version,
    latencyMs: reply.elapsedMs,
    checkedAt: checkedAt(),
    purpose,
    scope: spec.scope,
    expiresAt,
    expiry: uispExpiry(expiresAt, now(), opts.leadDays),
    ...proof,
  }
}
