// HTTPS fingerprint of one candidate address, with short deadlines and small
// body caps (httpsRequest), pinned to the certificate of the first handshake:
//   GET /                          200 (UniFi OS once x-csrf-token, /api/system or an app's
//                                  401 confirms it); 302 → /manage → legacy Network app
//                                  (unifi-os.md §1) → probeConsole(): /api/system + per-app 401s
//   GET /nms/api/v2.1/nms/version  {version, deployment, build, time} → UISP server (uisp.md §3)
//   GET /api/v1.0/public/device    {identification:{product, model, family}} → UISP-firmware
//                                  device (uisp.md §3) [report]
// A connection failure on `/` ends the fingerprint: nothing listens there.
import { z } from 'zod'
import type { UispDeviceDetails, UispServerDetails } from '../../../shared/inventory.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { probeConsole, rootMayBeConsole, type RawProbe } from '../console/probe.ts'
import { httpsRequest, type HttpsReply, type HttpsRequest } from '../net/https.ts'
import { boomReply } from '../uisp/replies.ts'
import { cleanOptional, cleanText } from './clean.ts'
import { addressKey } from '../../../shared/format.ts'

export interface FingerprintTarget {
  host: string
  port: number
}

export interface Fingerprint {
  host: string
  port: number
  /** Something completed a TLS handshake and answered HTTP. */
  reachable: boolean
  /** Why not reachable, or why a step failed (one sentence). */
  error: string | null
  certificateSha256: string | null
  console: Pick<RawProbe, 'kind' | 'model' | 'name' | 'mac' | 'directConnectDomain' | 'apps'> | null
  uispServer: UispServerDetails | null
  uispDevice: UispDeviceDetails | null
  at: number
}

export interface FingerprintOptions {
  /** Per request. */
  timeoutMs?: number
  /** Checked between requests: a stopping discovery ends the fingerprint early. */
  cancelled?: () => boolean
}

const MAX_BYTES = 64 * 1024
const str = z.string().max(256)

// uisp.md §3: `{"version","deployment","build","time"}`; only `version` is required
// here because the other three are undocumented in shape [inferred].
const uispVersionSchema = z.object({
  version: str.min(1),
  deployment: z.unknown().optional(),
  build: z.unknown().optional(),
  time: z.unknown().optional(),
})

// uisp.md §3 [report]: `{"identification":{"product","model","family"},…}`.
const uispDeviceSchema = z.object({
  identification: z.object({
    product: str.optional().nullable(),
    model: str.optional().nullable(),
    family: str.optional().nullable(),
  }),
})

// Device strings are cleaned like UBNT ones (clean.ts, issue 14 §8): a card never shows a control or bidi character.
const scalarText = (v: unknown): string | null =>
  typeof v === 'string' ? cleanText(v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : null

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

const json = (reply: HttpsReply): unknown => (reply.status === 200 ? parseJson(reply.body) : undefined)

function failureText(err: unknown): string {
  if (err instanceof KeywardFailure) return err.message
  return err instanceof Error ? err.message : String(err)
}

/**
 * `/` makes the address worth a console probe: the console probe's own rule (`rootMayBeConsole`,
 * unifi-os.md §1), so a console discovery finds is one "Add a console" accepts. A 200 without
 * `x-csrf-token` (CSRF only in the JWT, §2 [report]) is a console once `/api/system` or an app's 401
 * confirms it (`probeConsole`); any other web server then goes on to the UISP questions.
 */
export const looksLikeConsole = rootMayBeConsole

/**
 * `/nms/api/v2.1/nms/version` (uisp.md §3), or null when it is not a UISP server's answer.
 * uisp.md §3/§8 [inferred]: only UNMS 0.11.3 and a healthcheck say the route is open, while the
 * swagger lists global security. So a hapi/boom 401/403 body on exactly this path is a UISP server
 * that hides its version (`version: null`), as `uisp/session.ts` `fetchUispVersion` reads it: else
 * "Search for UISP" would never find such a server.
 */
export function uispServerOf(reply: HttpsReply): UispServerDetails | null {
  if (reply.status === 401 || reply.status === 403) {
    const denied = boomReply.safeParse(parseJson(reply.body)) // uisp.md §1 "Error body"
    const hidden = denied.success && denied.data.statusCode === reply.status
    return hidden ? { version: null, deployment: null, build: null, time: null } : null
  }
  const parsed = uispVersionSchema.safeParse(json(reply))
  if (!parsed.success) return null
  return {
    version: cleanText(parsed.data.version),
    deployment: scalarText(parsed.data.deployment),
    build: scalarText(parsed.data.build),
    time: scalarText(parsed.data.time),
  }
}

/** `/api/v1.0/public/device` (uisp.md §3 [report]), or null when it is not a UISP-firmware device's answer. */
export function uispDeviceOf(reply: HttpsReply): UispDeviceDetails | null {
  const parsed = uispDeviceSchema.safeParse(json(reply))
  if (!parsed.success) return null
  const id = parsed.data.identification
  return { product: cleanOptional(id.product), model: cleanOptional(id.model), family: cleanOptional(id.family) }
}

/** Whether the fingerprint goes on to the next question after one step. */
type Next = 'next' | 'done'

/** /api/system and the per-app probes (console/probe.ts), pinned to the first handshake. */
async function identifyConsole(result: Fingerprint, pin: string, timeoutMs: number): Promise<Next> {
  try {
    const probe = await probeConsole(
      { host: result.host, port: result.port, key: addressKey(result.host, result.port) },
      { pin, timeoutMs },
    )
    result.console = {
      kind: probe.kind,
      model: cleanOptional(probe.model),
      name: cleanOptional(probe.name),
      mac: probe.mac,
      directConnectDomain: cleanOptional(probe.directConnectDomain),
      apps: probe.apps,
    }
    return 'done'
  } catch (err) {
    result.error = failureText(err)
    // A certificate swap mid-fingerprint is not "some other server": stop.
    return err instanceof KeywardFailure && err.code === 'certificate-changed' ? 'done' : 'next'
  }
}

/** One pinned GET whose answer `read` turns into the card's fact; a failed request ends the fingerprint. */
async function ask<T>(
  result: Fingerprint,
  request: Omit<HttpsRequest, 'path'>,
  path: string,
  read: (reply: HttpsReply) => T | null,
): Promise<{ next: Next; found: T | null }> {
  try {
    const found = read(await httpsRequest({ ...request, path }))
    return { next: found ? 'done' : 'next', found }
  } catch (err) {
    result.error = failureText(err)
    return { next: 'done', found: null }
  }
}

export async function fingerprint(target: FingerprintTarget, options: FingerprintOptions = {}): Promise<Fingerprint> {
  const timeoutMs = options.timeoutMs ?? 3000
  const cancelled = options.cancelled ?? (() => false)
  const result: Fingerprint = {
    host: target.host,
    port: target.port,
    reachable: false,
    error: null,
    certificateSha256: null,
    console: null,
    uispServer: null,
    uispDevice: null,
    at: Date.now(),
  }
  const base = { host: target.host, port: target.port, timeoutMs, maxBytes: MAX_BYTES }

  let root: HttpsReply
  try {
    root = await httpsRequest({ ...base, path: '/' })
  } catch (err) {
    result.error = failureText(err)
    return result
  }
  result.reachable = true
  const pin = root.certificate.sha256
  result.certificateSha256 = pin
  if (cancelled()) return result
  if (looksLikeConsole(root) && (await identifyConsole(result, pin, timeoutMs)) === 'done') return result

  if (cancelled()) return result
  const server = await ask(result, { ...base, pin }, '/nms/api/v2.1/nms/version', uispServerOf)
  result.uispServer = server.found
  if (server.next === 'done' || cancelled()) return result
  result.uispDevice = (await ask(result, { ...base, pin }, '/api/v1.0/public/device', uispDeviceOf)).found
  return result
}

/** Runs at most `limit` tasks at once; higher `priority` first, then arrival order. */
export class Limiter {
  private active = 0
  private readonly queue: { priority: number; resolve: () => void }[] = []

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so a new
    // caller can never slip in between and exceed the limit.
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => {
        const at = this.queue.findIndex((w) => w.priority < priority)
        this.queue.splice(at < 0 ? this.queue.length : at, 0, { priority, resolve })
      })
    } else {
      this.active++
    }
    try {
      return await task()
    } finally {
      const next = this.queue.shift()
      if (next) next.resolve()
      else this.active--
    }
  }

  get pending(): number {
    return this.active + this.queue.length
  }
}
