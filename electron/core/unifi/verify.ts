// Verifies a key with one real call to the app it is for, and when that fails,
// finds out why: a key made on another console, the wrong kind of
// key, missing rights, an app that is not there or too old (unifi-os.md §4.2, §5, §6).
// The calls themselves are in key-calls.ts, what each app needs beyond them in verify-apps.ts.
import type { KeyCheck, KeyCheckFailed, KeyProblem, UnifiApp } from '../../../shared/domain.ts'
import { secondsUntilRetry } from '../net/retry-after.ts'
import { APP_NAME, checkCall, label, type Attempt, type VerifyOptions } from './key-calls.ts'
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
  const result = await checkCall(target, opts.app, opts.key, opts)
  if ('failure' in result) return unanswered(ctx, result.failure, result.answered === true)
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

/** No usable answer: a replaced certificate (nothing was sent), a console that is not there, or one that answered a web page. */
function unanswered(ctx: CheckContext, f: KeywardFailure, gotReply = false): KeyCheckFailed {
  const { target } = ctx
  if (f.code === 'certificate-changed' && ctx.opts.app === 'access') {
    // Access's API port may present a certificate of its own, made when Access was installed
    // (imhotep/hass-unifi-access#3 [report]; unifi-os.md §7 pins only the console's). Not "the console's
    // certificate changed" (re-trusting the console would not help): the token was not checked either way.
    return ctx.failed(
      'unreachable',
      `The UniFi Access API port (${ctx.opts.accessPort ?? 12445}) on ${label(target)} presents another certificate than the console you trusted, so Keyward sent nothing and could not check this token.`,
      'UniFi Access may use its own certificate on that port. Check the token where it is used (Home Assistant’s UniFi Access integration); re-trusting the console does not change this.',
    )
  }
  if (f.code === 'certificate-changed') {
    return ctx.failed(
      'tls_pin_mismatch',
      `${label(target)} now presents a different certificate than the one you trusted, so Keyward sent nothing.`,
      'If you replaced the certificate or updated the firmware, re-trust the console; otherwise check who is answering at that address.',
    )
  }
  if (gotReply) {
    // It answered, but with a web page or broken JSON (booting, updating: §2 Failures): not "no answer".
    return ctx.failed(
      'unreachable',
      f.message,
      'Check again in a minute; if it lasts, check that the address is the console itself (not a proxy in front of it).',
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
    const seconds = secondsUntilRetry(reply.headers, now())
    return ctx.failed(
      'rate_limited',
      `${label(target)} is rate-limiting API calls right now.`,
      `Wait ${seconds} s, then check again.`,
      {
        retryAfterSeconds: seconds,
      },
    )
  }
  if (reply.status === 404) return notOffered(ctx)
  if (reply.status === 403) return forbidden(ctx)
  if (reply.status !== 401 && reply.status !== 400) {
    return ctx.failed(
      'unreachable',
      `${app} on ${label(target)} answered ${reply.status}; it may be starting or updating.`,
      'Check again in a minute.',
    )
  }
  return notValidHere(ctx)
}

/** Where each app's API for keys first came (unifi-os.md §4.3): an app older than that answers 404. */
const API_SINCE: Readonly<Record<UnifiApp, string | null>> = {
  protect: 'UniFi Protect 5.3',
  network: 'UniFi Network 9.0.108',
  access: null,
}

/**
 * 404: the app is not here. But where Keyward saw the app answer (`/proxy/<app>/api`, §1 "app present"),
 * a 404 means it has no API for keys: older than the version that added it (§4.3), or removed since.
 */
function notOffered(ctx: CheckContext): KeyCheckFailed {
  const { target, opts } = ctx
  const app = APP_NAME[opts.app]
  const since = API_SINCE[opts.app]
  if (since && target.apps.includes(opts.app)) {
    return ctx.failed(
      'version_too_old',
      `${app} on ${label(target)} has no API for keys (it answered 404): it is older than ${since}, which added it, or it was removed since Keyward last looked.`,
      `Update ${app} on ${label(target)} (UniFi OS → Settings → Updates), then check again.`,
    )
  }
  const right = ctx.hostsWithApp[0]
  return ctx.failed(
    'app_not_on_host',
    `${app} is not installed on ${label(target)}.`,
    right ? `${label(right)} runs ${app}: make the key there.` : `Pick the console that runs ${app}.`,
    right ? { rightHost: { key: right.key, name: right.name } } : {},
  )
}

/**
 * 403. Clients read 401 and 403 alike as "key rejected" (uiprotect `NotAuthorized`, Scrypted; §5.1), so a
 * console may refuse a key it does not hold with 403: first ask whether the key belongs to another console
 * (§6). Access: a token without the scope the call needs (`CODE_UNAUTHORIZED`, §5.3). Otherwise the key's
 * owner lacks rights in the app (§4.2), said for sure only when the key proved itself on another app here.
 */
async function forbidden(ctx: CheckContext): Promise<KeyCheckFailed> {
  const { target, opts } = ctx
  const app = APP_NAME[opts.app]
  const elsewhere = await wrongHost(ctx)
  if (elsewhere) return elsewhere
  if (opts.app === 'access') {
    return ctx.failed(
      'insufficient_permission',
      `UniFi Access on ${label(target)} knows this token, but it lacks the permission to read doors.`,
      'Create a new Access API token with every permission ticked (Access → Settings → API Token).',
    )
  }
  const knownHere = (await worksForSibling(ctx)) !== null
  return ctx.failed(
    'insufficient_permission',
    knownHere
      ? `${label(target)} knows this key, but its owner has no rights in ${app}. A key carries the rights of the user who made it.`
      : `${app} on ${label(target)} refused this key (403, forbidden): most likely its owner has no rights in ${app} (a key carries the rights of the user who made it), or the key was not made on this console.`,
    `Give that user a role with ${app} access, or make the key as a Super Admin on ${label(target)}.`,
  )
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
  // 401 from an app that does not tell "unknown key" from "no rights" (uiprotect reads both as
  // `NotAuthorized`, §5.1): a key the console's other app takes is known here, so its owner lacks rights.
  const sibling = await worksForSibling(ctx)
  if (sibling) {
    return ctx.failed(
      'insufficient_permission',
      `${label(target)} knows this key (it works for ${APP_NAME[sibling]}), but ${APP_NAME[opts.app]} refuses it: its owner most likely has no rights in ${APP_NAME[opts.app]}. A key carries the rights of the user who made it.`,
      `Give that user a role with ${APP_NAME[opts.app]} access, or make the key as a Super Admin.`,
    )
  }
  if (opts.app === 'access') {
    // `CODE_ACCESS_TOKEN_INVALID`: "invalid or expired" (§5.3); Access tokens have a validity period.
    return ctx.failed(
      'invalid_key',
      `UniFi Access on ${label(target)} refused this token: it expired, was revoked, or was mistyped.`,
      `Make a new Access API token on ${label(target)}.`,
    )
  }
  return ctx.failed(
    'invalid_key',
    `No console Keyward knows accepts this key for ${APP_NAME[opts.app]}: it was revoked, mistyped, or made on a console Keyward has not seen.`,
    `Make a new key on ${label(target)}.`,
  )
}

const answered = (a: Attempt) => !('failure' in a) && a.reply.status === 200

/** The console's other integration app (Protect ↔ Network), when it takes the key; null otherwise. */
async function worksForSibling(ctx: CheckContext): Promise<UnifiApp | null> {
  const { target, opts } = ctx
  if (opts.app === 'access') return null
  const sibling: UnifiApp = opts.app === 'protect' ? 'network' : 'protect'
  if (!target.apps.includes(sibling)) return null
  return answered(await checkCall(target, sibling, opts.key, opts)) ? sibling : null
}

/** The "Invalid authentication" trap: the key works on another console that runs the app (§6). */
async function wrongHost(ctx: CheckContext): Promise<KeyCheckFailed | null> {
  const { target, opts } = ctx
  for (const other of ctx.hostsWithApp.filter((c) => opts.mayReceiveKey?.(c) ?? true)) {
    if (!answered(await checkCall(other, opts.app, opts.key, opts))) continue
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
      answered(await checkCall(target, 'protect', opts.key, opts)) ||
      answered(await checkCall(target, 'network', opts.key, opts))
    if (!asConsoleKey) return null
    return ctx.failed(
      'wrong_key_type',
      'This is a console API key; UniFi Access needs its own API token (Access → Settings → API Token).',
      'Create an Access API token instead (Keyward can do it for you).',
    )
  }
  if (!target.apps.includes('access')) return null
  if (!answered(await checkCall(target, 'access', opts.key, opts))) return null
  return ctx.failed(
    'wrong_key_type',
    `This is a UniFi Access API token; ${APP_NAME[opts.app]} needs a console API key.`,
    `Make a console API key on ${label(target)}.`,
  )
}
