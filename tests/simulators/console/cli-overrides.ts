// Turns the console CLI's `--config-json '{…}'` and repeatable `--set path=value` flags into
// ConsoleOverrides, so the lab can start knobbed consoles, e.g.
//   --set auth.cookieName=UOS_TOKEN --set booting=true --set 'apps=["network","access"]'
import { deepMerge, type ConsoleConfig, type ConsoleOverrides } from './presets.ts'

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** Paths whose leaf may be absent from the preset (optional fields). */
const OPTIONAL_PARENTS = new Set(['appVersions'])

/**
 * Value of one `--set`, typed after the preset's current value at that path: strings stay
 * raw, numbers and booleans are parsed, arrays and objects must be JSON.
 */
export function parseSetting(base: ConsoleConfig, assignment: string): { path: string[]; value: unknown } {
  const eq = assignment.indexOf('=')
  if (eq <= 0) throw new Error(`--set expects path=value, got ${JSON.stringify(assignment)}`)
  const path = assignment.slice(0, eq).split('.')
  const raw = assignment.slice(eq + 1)
  let current: unknown = base
  for (const [i, segment] of path.entries()) {
    if (
      !isPlainObject(current) ||
      (!Object.hasOwn(current, segment) &&
        !(i === path.length - 1 && OPTIONAL_PARENTS.has(path.slice(0, -1).join('.'))))
    ) {
      throw new Error(`unknown setting ${JSON.stringify(path.join('.'))}`)
    }
    current = current[segment]
  }
  const name = path.join('.')
  if (current === undefined || typeof current === 'string') return { path, value: raw }
  if (typeof current === 'number') {
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new Error(`${name} expects a number, got ${JSON.stringify(raw)}`)
    return { path, value: n }
  }
  if (typeof current === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new Error(`${name} expects true or false, got ${JSON.stringify(raw)}`)
    return { path, value: raw === 'true' }
  }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error(`${name} expects JSON, got ${JSON.stringify(raw)}`)
  }
  if (Array.isArray(current) !== Array.isArray(value) || typeof value !== 'object' || value === null) {
    throw new Error(`${name} expects JSON ${Array.isArray(current) ? 'array' : 'object'}`)
  }
  return { path, value }
}

/** `--config-json` first (deep), then each `--set` in order. */
export function overridesFromCli(
  base: ConsoleConfig,
  options: { configJson?: string; set?: readonly string[] },
): ConsoleOverrides {
  let overrides: Record<string, unknown> = {}
  if (options.configJson !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(options.configJson)
    } catch {
      throw new Error('--config-json is not valid JSON')
    }
    if (!isPlainObject(parsed)) throw new Error('--config-json must be a JSON object')
    overrides = deepMerge(overrides, parsed)
  }
  for (const assignment of options.set ?? []) {
    const { path, value } = parseSetting(deepMerge(base, overrides), assignment)
    let patch: unknown = value
    for (const segment of [...path].reverse()) patch = { [segment]: patch }
    overrides = deepMerge(overrides, patch)
  }
  return overrides as ConsoleOverrides
}
