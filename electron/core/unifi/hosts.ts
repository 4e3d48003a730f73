// Picks the console that really runs an app. Each console runs its own copy of
// each app with its own key store (unifi-os.md §6), so a Protect key must be
// made on the console whose Protect holds the cameras.
import type { ConsoleRecord, UnifiApp } from '../../../shared/domain.ts'
import { APP_NAMES, consoleLabel } from '../../../shared/labels.ts'

export interface HostChoice {
  /** Best first; empty when no known console runs the app. */
  ranked: { console: ConsoleRecord; reason: string }[]
}

const APP_NAME: Readonly<Record<UnifiApp, string>> = APP_NAMES
// Dedicated recorders exist only to run Protect (UNVR, UNVR-PRO, ENVR…). When a
// gateway and an NVR both answer for Protect, the gateway's copy is usually the
// empty one left behind after cameras moved to the NVR ([inferred] from core
// #151119 and #154972, unifi-os.md §6); camera counts confirm it after sign-in.
const isRecorder = (model: string | null) => /NVR/i.test(model ?? '')

export function rankHosts(
  app: UnifiApp,
  consoles: ConsoleRecord[],
  cameraCounts: Record<string, number> = {},
): HostChoice {
  const running = consoles.filter((c) => c.kind === 'unifi-os' && (c.apps ?? []).includes(app))
  const score = (c: ConsoleRecord) => {
    const cameras = cameraCounts[c.key]
    if (app === 'protect' && cameras !== undefined) return cameras > 0 ? 3 : 0
    return app === 'protect' && isRecorder(c.model) ? 2 : 1
  }
  const ranked = [...running]
    .sort((a, b) => score(b) - score(a) || Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    .map((c) => {
      const cameras = cameraCounts[c.key]
      const reason =
        app === 'protect' && cameras !== undefined
          ? cameras > 0
            ? `Protect here has ${cameras} camera${cameras === 1 ? '' : 's'}.`
            : 'Protect is installed here but has no cameras.'
          : app === 'protect' && isRecorder(c.model)
            ? 'A dedicated recorder: Protect runs here.'
            : `${APP_NAME[app]} runs here.`
      return { console: c, reason }
    })
  return { ranked }
}

/** Why a console the user picked is the wrong place, or null when it is fine. */
export function explainPick(
  app: UnifiApp,
  picked: ConsoleRecord,
  consoles: ConsoleRecord[],
  cameraCounts: Record<string, number> = {},
): string | null {
  const best = rankHosts(app, consoles, cameraCounts).ranked[0]
  if (!best || best.console.key === picked.key) return null
  const name = (c: ConsoleRecord) => consoleLabel(c)
  if (!(picked.apps ?? []).includes(app)) {
    return `${APP_NAME[app]} does not run on ${name(picked)}; it runs on ${name(best.console)}. A key made on ${name(picked)} would be refused there with "Invalid authentication".`
  }
  if (
    app === 'protect' &&
    (cameraCounts[picked.key] === 0 || (cameraCounts[picked.key] === undefined && isRecorder(best.console.model)))
  ) {
    return `${name(picked)} runs Protect too, but your cameras are most likely on ${name(best.console)}. Keys work only on the console that made them, so make it there.`
  }
  return null
}
