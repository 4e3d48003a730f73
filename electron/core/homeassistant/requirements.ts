// What a key's consumers require of the app behind it (issue 14 §6). The only
// consumer Keyward knows is Home Assistant, whose unifiprotect integration
// refuses a Protect older than a minimum that depends on the HA release
// (home-assistant.md §2.1 timeline). A too-old Protect is a problem of the
// consumer that refuses it, never of the key: a key is failing for it only when
// a Home Assistant it was pushed to (or the only one Keyward knows) refuses it.
import type { HomeAssistantRecord } from '../../../shared/domain.ts'
import { versionAtLeast } from '../../../shared/format.ts'

export interface ProtectFloor {
  /** First HA release (YYYY.M) with this minimum; it holds until the next row. */
  since: string
  minimum: string
  source: string
}

/**
 * HA release → minimum Protect, oldest first (home-assistant.md §2.1). Before 2025.8 the floor was
 * "1.20.0, raised over time" (config_flow.py @9279f424) with no per-release record, so no check.
 */
export const HA_PROTECT_FLOORS: readonly ProtectFloor[] = [
  {
    since: '2025.8',
    minimum: '6.0.0',
    source: 'core PR #149126 "Begin migrating unifiprotect to use the public API" [source]',
  },
  { since: '2026.8', minimum: '7.1.0', source: 'core PR #177620 "min Protect 7.1" (release inferred from merge date)' },
  {
    since: '2026.9',
    minimum: '7.2.105',
    source: 'core PR #179954, MIN_REQUIRED_PROTECT_V in const.py @0a537d6c [source]',
  },
]

/** "2026.9.1" → 202609; null when it is not an HA release number. */
function releaseOf(version: string | null): number | null {
  const m = /^(\d{4})\.(\d{1,2})(?!\d)/.exec(version ?? '')
  const month = Number(m?.[2])
  return m && month >= 1 && month <= 12 ? Number(m[1]) * 100 + month : null
}

/** The minimum Protect an HA release accepts; null when no minimum is known (old or unknown release). */
export function minimumProtectFor(haVersion: string | null): string | null {
  const release = releaseOf(haVersion)
  if (release === null) return null
  let minimum: string | null = null
  for (const floor of HA_PROTECT_FLOORS) if (release >= releaseOf(floor.since)!) minimum = floor.minimum
  return minimum
}

/** One Home Assistant that uses (or would use) a Protect key, and what it needs. */
export interface ProtectConsumer {
  haId: string
  /** "Home Assistant 2026.9.1 (Home)" */
  label: string
  minimum: string
}

export function haLabel(ha: Pick<HomeAssistantRecord, 'version' | 'locationName' | 'url'>): string {
  return `Home Assistant${ha.version ? ` ${ha.version}` : ''} (${ha.locationName ?? ha.url})`
}

const consumerOf = (ha: HomeAssistantRecord): ProtectConsumer[] => {
  const minimum = minimumProtectFor(ha.version)
  return minimum ? [{ haId: ha.id, label: haLabel(ha), minimum }] : []
}

/**
 * The consumers of a key: the Home Assistants it was pushed to, or, when it was pushed to none that
 * Keyward still knows, the only connected one. With several connected and none pushed to, nobody
 * is known to consume it, so nothing can refuse it.
 */
export function keyConsumers(
  homeAssistants: readonly HomeAssistantRecord[],
  pushedTo: readonly string[] = [],
): ProtectConsumer[] {
  const pushed = homeAssistants.filter((h) => pushedTo.includes(h.id))
  const chosen = pushed.length > 0 ? pushed : homeAssistants.length === 1 ? homeAssistants : []
  return chosen.flatMap(consumerOf)
}

/** Every connected Home Assistant that could be given a new key (the plan's warning). */
export const possibleConsumers = (homeAssistants: readonly HomeAssistantRecord[]): ProtectConsumer[] =>
  homeAssistants.flatMap(consumerOf)

/** The consumers that will refuse Protect `version`. */
export const refusing = (version: string, consumers: readonly ProtectConsumer[]): ProtectConsumer[] =>
  consumers.filter((c) => !versionAtLeast(version, c.minimum))

/** verifyKey options for the strictest consumer: a Protect below it fails the check, naming it. */
export function protectRequirement(
  consumers: readonly ProtectConsumer[],
): { minimumVersion: string; minimumFor: string } | null {
  const strictest = consumers.reduce<ProtectConsumer | null>(
    (best, c) => (best === null || !versionAtLeast(best.minimum, c.minimum) ? c : best),
    null,
  )
  return strictest ? { minimumVersion: strictest.minimum, minimumFor: strictest.label } : null
}

/** The plan's warning before minting: who will refuse a key for this Protect, or null. */
export function protectWarning(
  protectVersion: string | null,
  where: string,
  consumers: readonly ProtectConsumer[],
): string | null {
  if (!protectVersion) return null
  const refusers = refusing(protectVersion, consumers)
  if (refusers.length === 0) return null
  const who = refusers.map((c) => `${c.label} needs ${c.minimum} or later`).join('; ')
  return (
    `UniFi Protect on ${where} is version ${protectVersion}. ${who}: ${refusers.length === 1 ? 'it' : 'they'} ` +
    'will refuse this key until Protect ' +
    'is updated (UniFi OS → Settings → Updates). You can make the key now: it works, and Home Assistant ' +
    'accepts it once Protect is new enough.'
  )
}
