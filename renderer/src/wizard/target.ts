// Where the Devices tab sends the wizard (issue 17): "Make a key here" on a
// console (`#/new&console=<host:port>`) and "Make a UISP key" on a UISP server
// (`#/new&uisp=<host:port>`), as pure rules: what arriving with a target does
// given the wizard's state, which apps the goal step offers for the chosen
// console, and where choosing an app leads.
import type { UnifiApp } from '../../../shared/domain.ts'
import { APPS, type AppChoice, type ConsoleCard, type ProbeEntry, type WizardStep } from './model.ts'
import type { UispStep } from './uisp/state.ts'

/** A server the Devices tab named: a UniFi console or a UISP server, by `host:port`. */
export interface Aim {
  path: 'console' | 'uisp'
  key: string
}

/** What arriving with a target does: nothing, start that path on it, or ask first (a wizard is under way). */
export type Arrival = { kind: 'none' } | { kind: 'start'; aim: Aim } | { kind: 'ask'; aim: Aim }

/** A `host:port` as the Devices tab writes it; anything else in the fragment is ignored. */
const plausible = (key: string | null): key is string =>
  key !== null && key.length > 0 && key.length <= 300 && !/[\s/?#]/.test(key)

/**
 * Arriving from Devices: a fresh wizard (UniFi on its first step, UISP off) starts on the named server;
 * one under way is never thrown away, the user is asked (the note offering "Start over with …").
 */
export function arrive(
  target: { console: string | null; uisp: string | null },
  s: { step: WizardStep; uispStep: UispStep },
): Arrival {
  const aim: Aim | null = plausible(target.console)
    ? { path: 'console', key: target.console }
    : plausible(target.uisp)
      ? { path: 'uisp', key: target.uisp }
      : null
  if (!aim) return { kind: 'none' }
  const underWay = s.step !== 'goal' || s.uispStep !== 'off'
  return { kind: underWay ? 'ask' : 'start', aim }
}

/**
 * The apps the chosen console runs, or null when nothing looked yet: Keyward's own check of it first,
 * else its card on the Find step (discovery's fingerprint, an earlier check).
 */
export function presetApps(
  preset: string | null,
  cards: ConsoleCard[],
  probes: Record<string, ProbeEntry>,
): UnifiApp[] | null {
  if (!preset) return null
  const probe = probes[preset]
  if (probe?.status === 'done') return probe.result.apps
  const card = cards.find((c) => c.key === preset)
  return card?.appsKnown ? card.apps : null
}

/** The apps the goal step offers for the chosen console: the ones it runs when that is known, else all. */
export function appsFor(apps: UnifiApp[] | null): AppChoice[] {
  if (!apps || apps.length === 0) return APPS
  return APPS.filter((a) => apps.includes(a.app))
}

/**
 * After the app, for a chosen console: straight on to it (its certificate or sign-in), or, when it is
 * known not to run the app, the Find step with it picked, where the wrong-console warning names the right one.
 */
export const afterApp = (apps: UnifiApp[] | null, app: UnifiApp): 'continue' | 'find' =>
  apps && !apps.includes(app) ? 'find' : 'continue'
