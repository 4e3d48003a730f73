// The discovery bench's figures, in the order a user meets them: a console to
// choose (first / all consoles), then the complete inventory (devices, the
// UISP server found by the sweep, Home Assistant). Medians over rounds and the
// table `npm run bench` prints. Goals are printed next to the figures, never
// asserted in tests (the suite runs on busy machines).

export interface RoundFigures {
  exact: boolean
  cards: number
  firstConsoleMs: number | null
  allConsolesMs: number | null
  allConsolesWithAppsMs: number | null
  completeMs: number | null
  nmapMs: number | null
  nmapHostsDecoded: number | null
  zeroconfMs: number | null
}

export const ROUND_FIGURES = [
  'firstConsoleMs',
  'allConsolesMs',
  'allConsolesWithAppsMs',
  'completeMs',
  'nmapMs',
  'nmapHostsDecoded',
  'zeroconfMs',
] as const satisfies readonly (keyof RoundFigures)[]

export type Medians = Record<(typeof ROUND_FIGURES)[number], number | null>

/** What a user should wait at most for the consoles to choose from. */
export const CONSOLES_GOAL_MS = 1000

/** The median of the measured values (a round that never got there is left out); null when none. */
export function median(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b)
  if (v.length === 0) return null
  const mid = Math.floor(v.length / 2)
  return v.length % 2 === 1 ? v[mid]! : Math.round((v[mid - 1]! + v[mid]!) / 2)
}

const ms = (v: number | null): string => (v === null ? 'not reached' : `${v} ms`)

/** Plain-text table of the medians, one row per figure, with the goal where there is one. */
export function discoveryTable(m: Medians, rounds: number, exactRounds: number): string {
  const rows: [string, string, string][] = [
    ['first console', ms(m.firstConsoleMs), `≤ ${CONSOLES_GOAL_MS} ms`],
    ['all consoles', ms(m.allConsolesMs), `≤ ${CONSOLES_GOAL_MS} ms`],
    ['all consoles with their apps', ms(m.allConsolesWithAppsMs), ''],
    ['complete inventory', ms(m.completeMs), ''],
    ["nmap's ubiquiti-discovery (alongside)", ms(m.nmapMs), ''],
    ['python3-zeroconf resolves HA (alongside)', ms(m.zeroconfMs), ''],
  ]
  const width = Math.max(...rows.map((r) => r[0].length))
  const valueWidth = Math.max(...rows.map((r) => r[1].length))
  const lines = rows.map(([name, value, goal]) =>
    `  ${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${goal}`.trimEnd(),
  )
  return [`discovery, median of ${rounds} rounds (${exactRounds} exact):`, ...lines].join('\n')
}
