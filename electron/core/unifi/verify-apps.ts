// What each app needs of a key beyond its one check call (unifi-os.md §5): Protect's cameras are
// here and not on another console (§6, the seed failure) and their RTSPS streams (§5.1); Network's
// sites list (§5.2, what HA reads); Access nothing more (§5.3).
import { z } from 'zod'
import type { KeyCheckFailed, KeyProblem } from '../../../shared/domain.ts'
import { versionAtLeast } from '../../../shared/format.ts'
import type { KnownConsole } from '../console/known.ts'
import { anObject, optionalText } from './envelope.ts'
import { APP_NAME, attempt, fetchNetworkSites, label, type VerifyOptions } from './key-calls.ts'

/** What an app check reads about the check under way, and how it fails. */
export interface CheckContext {
  opts: VerifyOptions
  target: KnownConsole
  /** Other known consoles that run the app (their recorded apps, not a probe now). */
  hostsWithApp: KnownConsole[]
  failed: (problem: KeyProblem, message: string, nextStep: string, extra?: Partial<KeyCheckFailed>) => KeyCheckFailed
}

/** What an app check adds to an ok result, or the failure it found. */
export type AppCheck = { cameras?: number; warning?: string } | { failed: KeyCheckFailed }

/** `integration/v1/meta/info`, `v1/info`, `v1/developer/doors`: each a JSON object (§5.1–§5.3). */
export const checkReply = z.looseObject({ applicationVersion: optionalText })

/**
 * Network: HA's `unifi` API-key mode validates with the sites list, not /v1/info (home-assistant.md §3.2,
 * unifi-os.md §4.2 table: "verify Network keys on integration/v1/sites, which is what HA needs").
 */
export async function checkNetwork(ctx: CheckContext): Promise<AppCheck> {
  const sites = await fetchNetworkSites(ctx.target, ctx.opts.key, ctx.opts)
  if (!('sites' in sites) && sites.status === 403) {
    return {
      failed: ctx.failed(
        'insufficient_permission',
        `${label(ctx.target)} knows this key, but its owner cannot list UniFi Network sites, which Home Assistant needs.`,
        'Give that user a role with Network access, or make the key as a Super Admin.',
      ),
    }
  }
  return {}
}

/** A camera in the public API's list (§5.1); the first one with an id is asked for its streams. */
const camera = z.object({ id: z.string().min(1), name: optionalText })

/** Protect: count the cameras (the seed failure: Protect installed but empty here, cameras elsewhere, §6). */
export async function checkProtect(ctx: CheckContext): Promise<AppCheck> {
  const { target, opts, hostsWithApp } = ctx
  const list = await attempt(target, 'protect', opts.key, '/proxy/protect/integration/v1/cameras', opts)
  const listed = !('failure' in list) && Array.isArray(list.body) ? (list.body as unknown[]) : null
  const cameras = listed && !('failure' in list) && list.reply.status === 200 ? listed.length : undefined
  if (cameras === 0 && hostsWithApp.length > 0) {
    const right = hostsWithApp[0]!
    return {
      failed: ctx.failed(
        'wrong_host',
        `The key works on ${label(target)}, but Protect there has no cameras. ${label(right)} also runs Protect — your cameras are most likely there, and a key only works on the console that made it.`,
        `Make the key on ${label(right)} instead.`,
        { rightHost: { key: right.key, name: right.name } },
      ),
    }
  }
  // The first object in the list; one without a usable id gets no stream check.
  const first = listed?.find((c) => anObject.safeParse(c).success)
  const parsed = camera.safeParse(first)
  const warning = parsed.success ? await streamWarning(target, opts, parsed.data) : undefined
  return { ...(cameras !== undefined ? { cameras } : {}), ...(warning ? { warning } : {}) }
}

/** `{high, medium, low, package}`, each a URL or null (developer.ui.com Protect 6.2.83). */
const streams = z.object({
  high: z.unknown(),
  medium: z.unknown(),
  low: z.unknown(),
  package: z.unknown(),
})
const QUALITIES = ['high', 'medium', 'low', 'package'] as const

/**
 * What Home Assistant needs from a Protect key besides `meta/info`: camera streams. Since HA 2026.7
 * live video comes only from the public API's RTSPS streams (home-assistant.md §2.1 PR #174369,
 * §2.5), read with `GET /proxy/protect/integration/v1/cameras/{id}/rtsps-stream` (unifi-os.md §5.1
 * [report]) for one camera. Shape `{high, medium, low, package}`, each a URL or null
 * (developer.ui.com Protect 6.2.83 get-v1camerasidrtsps-stream); "`null` when inactive" (§5.1) is
 * read both ways: a null body, or every quality null. No active stream, 403 or 404 (older Protect)
 * → a warning in plain words, not a failure: the key works, HA's live view falls back to snapshots.
 */
async function streamWarning(
  target: KnownConsole,
  opts: VerifyOptions,
  cam: z.infer<typeof camera>,
): Promise<string | undefined> {
  const name = cam.name ? `“${cam.name.slice(0, 64)}”` : 'a camera'
  const fallback = 'so Home Assistant’s live view will fall back to snapshots (a slideshow). The key itself works.'
  const path = `/proxy/protect/integration/v1/cameras/${encodeURIComponent(cam.id)}/rtsps-stream`
  const read = await attempt(target, 'protect', opts.key, path, opts)
  if ('failure' in read)
    return `Keyward could not read the camera streams of ${name} on ${label(target)} (${read.failure.message}); if Home Assistant cannot either, ${fallback}`
  const { reply, body } = read
  if (reply.status === 200) {
    const urls = streams.partial().safeParse(body)
    const active = urls.success && QUALITIES.some((q) => typeof urls.data[q] === 'string' && urls.data[q] !== '')
    if (active) return undefined
    return `No RTSPS stream is active for ${name} on ${label(target)}, ${fallback} Confirm Home Assistant’s “No RTSPS stream” repair (or enable a stream in Protect) to get live video.`
  }
  if (reply.status === 403)
    return `Protect on ${label(target)} does not let this key read camera streams (403), ${fallback}`
  if (reply.status === 404)
    return `Protect on ${label(target)} does not offer camera streams through its public API (404: an older Protect), ${fallback} Update Protect to get live video in Home Assistant.`
  return `Protect on ${label(target)} answered ${reply.status} when asked for the camera streams of ${name}; if that lasts, ${fallback}`
}

/** The version floor a consumer needs (issue 14 §6), checked on the check reply's `applicationVersion`. */
export function tooOld(ctx: CheckContext, version: string | null): KeyCheckFailed | null {
  const { opts, target } = ctx
  if (!opts.minimumVersion || !version || versionAtLeast(version, opts.minimumVersion)) return null
  return ctx.failed(
    'version_too_old',
    `${APP_NAME[opts.app]} on ${label(target)} is version ${version}; ` +
      `${opts.minimumFor ?? 'Home Assistant'} needs ${opts.minimumVersion} or later.`,
    `Update ${APP_NAME[opts.app]} on ${label(target)} (UniFi OS → Settings → Updates), then check again.`,
    { appVersion: version },
  )
}
