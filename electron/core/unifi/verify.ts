// Verifies a key with one real call to the app it is for, and when that fails,
// finds out why: a key made on another console, the wrong kind of
// key, missing rights, an app that is not there or too old (unifi-os.md §4.2, §5, §6).
// The calls themselves are in key-calls.ts, what each app needs beyond them in verify-apps.ts.
import type { KeyCheck, KeyCheckFailed, KeyProblem } from '../../../shared/domain.ts'
import { retryAfterSeconds } from '../net/retry-after.ts'
import { APP_NAME, attempt, CHECK_PATH, label, type VerifyOptions } from './key-calls.ts'
import { checkNetwork, checkProtect, checkReply, tooOld, type AppCheck, type CheckContext } from './verify-apps.ts'
import type { HttpsReply } from '../net/https.ts'
import type { KeywardFailure } from '../../../shared/result.ts'

export { fetchNetworkSites, type NetworkSitesResult, type VerifyOptions } from './key-calls.ts'

export async function verifyKey(opts: VerifyOptions): Promise<KeyCheck> {
  const now = opts.now ?? Date.now
  const target = opts.console
  const checkedAt = () => new Date(now()).toISOString()
  const failed = (
    problem: KeyProblem,
    message: string,
    nextStep: string,
    extra: Partial<KeyCheckFailed> = {},
  ): KeyCheckFailed => ({
    status: 'failed',
    app: opts.app,
    host: target.key,
    problem,
    message,
    nextStep,
    checkedAt: checkedAt(),
    ...extra,
  })
  const others = (opts.others ?? []).filter((c) => c.key !== target.key)
  const ctx: CheckContext = { opts, target, failed, hostsWithApp: others.filter((c) => c.apps.includes(opts.app)) }

  const started = performance.now()
  const result = await attempt(target, opts.app, opts.key, CHECK_PATH[opts.app], opts)
  if ('failure' in result) return unanswered(ctx, result.failure)
  if (result.reply.status !== 200) return refused(ctx, result.reply, now)
  const latencyMs = Math.round(performance.now() - started)
  // Every check path answers a JSON object (§5.1, §5.3); anything else came from something
  // in front of the app (a proxy, a captive page), so the key was not proven.
  const info = checkReply.safeParse(result.body)
  if (!info.success) {
    return failed(
      'unreachable',
      `${APP_NAME[opts.app]} on ${label(target)} answered, but not with its API, so the key could not be checked.`,
      'Check that the address is the console itself (not a proxy in front of it), then check again.',
    )
  }
  const version = info.data.applicationVersion ?? null
  const old = tooOld(ctx, version)
  if (old) return old
  const extra: AppCheck =
    opts.app === 'network' ? await checkNetwork(ctx) : opts.app === 'protect' ? await checkProtect(ctx) : {}
  if ('failed' in extra) return extra.failed
  return {
    status: 'ok',
    app: opts.app,
    host: target.key,
    appVersion: version,
    latencyMs,
    checkedAt: checkedAt(),
    ...extra,
  }
}

/** No answer at all: a replaced certificate (nothing was sent) or a console that is not there. */
function unanswered(ctx: CheckContext, f: KeywardFailure): KeyCheckFailed {
  const { target } = ctx
  if (f.code === 'certificate-changed') {
    return ctx.failed(
      'tls_pin_mismatch',
      `${label(target)} now presents a different certificate than the one you trusted, so Keyward sent nothing.`,
      'If you replaced the certificate or updated the firmware, re-trust the console; otherwise check who is answering at that address.',
    )
  }
  return ctx.failed(
    'unreachable',
    `${label(target)} did not answer: ${f.message}`,
    'Check that the console is on and reachable from this computer, then check again.',
  )
}

/** The check call answered, but not 200: what the status means. */
async function refused(ctx: CheckContext, reply: HttpsReply, now: () => number): Promise<KeyCheckFailed> {
  const { target, opts } = ctx
  const app = APP_NAME[opts.app]
  if (reply.status === 429) {
    const seconds = retryAfterSeconds(reply.headers['retry-after'], now())
    return ctx.failed(
      'rate_limited',
      `${label(target)} is rate-limiting API calls right now.`,
      `Wait ${seconds} s, then check again.`,
      {
        retryAfterSeconds: seconds,
      },
    )
  }
  if (reply.status === 404) {
    const right = ctx.hostsWithApp[0]
    return ctx.failed(
      'app_not_on_host',
      `${app} is not installed on ${label(target)}.`,
      right ? `${label(right)} runs ${app}: make the key there.` : `Pick the console that runs ${app}.`,
      right ? { rightHost: { key: right.key, name: right.name } } : {},
    )
  }
  if (reply.status === 403) {
    return ctx.failed(
      'insufficient_permission',
      `${label(target)} knows this key, but its owner has no rights in ${app}. A key carries the rights of the user who made it.`,
      `Give that user a role with ${app} access, or make the key as a Super Admin.`,
    )
  }
  if (reply.status !== 401 && reply.status !== 400) {
    return ctx.failed(
      'unreachable',
      `${app} on ${label(target)} answered ${reply.status}; it may be starting or updating.`,
      'Check again in a minute.',
    )
  }
  return notValidHere(ctx)
}

/** 401: the key is not valid here. Find where it does belong (only where the user confirmed the certificate). */
async function notValidHere(ctx: CheckContext): Promise<KeyCheckFailed> {
  const { target, opts } = ctx
  const elsewhere = await wrongHost(ctx)
  if (elsewhere) return elsewhere
  const kind = await wrongKeyType(ctx)
  if (kind) return kind
  // Never asked of Ubiquiti's cloud (Site Manager): Keyward minted this key on a console, so it
  // cannot be a cloud key, and a 401 during a console restore would send a live local key to
  // api.ui.com (unifi-os.md §5.4 [inferred]: "never for a key minted locally").
  return ctx.failed(
    'invalid_key',
    `No console Keyward knows accepts this key for ${APP_NAME[opts.app]}: it was revoked, mistyped, or made on a console Keyward has not seen.`,
    `Make a new key on ${label(target)}.`,
  )
}

const answered = (a: Awaited<ReturnType<typeof attempt>>) => !('failure' in a) && a.reply.status === 200

/** The "Invalid authentication" trap: the key works on another console that runs the app (§6). */
async function wrongHost(ctx: CheckContext): Promise<KeyCheckFailed | null> {
  const { target, opts } = ctx
  for (const other of ctx.hostsWithApp.filter((c) => opts.mayReceiveKey?.(c) ?? true)) {
    if (!answered(await attempt(other, opts.app, opts.key, CHECK_PATH[opts.app], opts))) continue
    return ctx.failed(
      'wrong_host',
      `This key was made on ${label(other)}, not on ${label(target)}. Keys work only on the console that made them — this is the "Invalid authentication" trap.`,
      `Use ${label(other)} as the host, or make a new key on ${label(target)}.`,
      { rightHost: { key: other.key, name: other.name } },
    )
  }
  return null
}

/** A console key where an Access token belongs, or the other way round (§5.3). */
async function wrongKeyType(ctx: CheckContext): Promise<KeyCheckFailed | null> {
  const { target, opts } = ctx
  if (opts.app === 'access') {
    // HA unifi_access probes Protect the same way (§5.3).
    const asConsoleKey =
      answered(await attempt(target, 'protect', opts.key, CHECK_PATH.protect, opts)) ||
      answered(await attempt(target, 'network', opts.key, CHECK_PATH.network, opts))
    if (!asConsoleKey) return null
    return ctx.failed(
      'wrong_key_type',
      'This is a console API key; UniFi Access needs its own API token (Access → Settings → API Token).',
      'Create an Access API token instead (Keyward can do it for you).',
    )
  }
  if (!target.apps.includes('access')) return null
  if (!answered(await attempt(target, 'access', opts.key, CHECK_PATH.access, opts))) return null
  return ctx.failed(
    'wrong_key_type',
    `This is a UniFi Access API token; ${APP_NAME[opts.app]} needs a console API key.`,
    `Make a console API key on ${label(target)}.`,
  )
}
