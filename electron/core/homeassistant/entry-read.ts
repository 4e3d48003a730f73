// Reading back the entry a push landed in (home-assistant.md §1.4), and saying its state in plain words.
// A reconfigure or reauth ends in an abort (§1.2) while HA's `async_update_reload_and_abort` has only
// scheduled the reload, so the first read can show the entry still unloading or starting (§1.4
// `unload_in_progress`, `setup_in_progress`, `not_loaded` in between): `settledEntry` reads again until
// the state settles. A fake that reloads before answering settles on the first read.
import type { HomeAssistantClient } from './client.ts'
import { listEntries } from './entries.ts'
import type { HaEntry } from './types.ts'

/** How long a push waits for HA to finish reloading the entry, and how often it looks. */
export const SETTLE_WAIT_MS = 30_000
const SETTLE_POLL_MS = 500

/** States an entry passes through while HA reloads it (§1.4). */
const RELOADING = new Set(['unload_in_progress', 'setup_in_progress', 'not_loaded'])

/** The entry as HA lists it now; null when it cannot be read (the push itself already succeeded). */
export async function readEntry(
  ha: HomeAssistantClient,
  domain: string,
  entryId: string | null,
): Promise<HaEntry | null> {
  if (!entryId) return null
  try {
    return (await listEntries(ha, domain)).find((e) => e.entry_id === entryId) ?? null
  } catch {
    return null
  }
}

const reloading = (entry: HaEntry | null): boolean =>
  entry !== null && entry.disabled_by === null && RELOADING.has(entry.state)

/** The entry once HA has finished reloading it, or as it is when `waitMs` has passed. */
export async function settledEntry(
  ha: HomeAssistantClient,
  domain: string,
  entryId: string | null,
  waitMs = SETTLE_WAIT_MS,
): Promise<HaEntry | null> {
  const until = Date.now() + waitMs
  for (;;) {
    const entry = await readEntry(ha, domain, entryId)
    if (!reloading(entry) || Date.now() >= until) return entry
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS))
  }
}

/** What the answer adds when the entry is not loaded (§1.4 states), in plain words. */
export function entryStateTail(entry: HaEntry | null, host: string): string {
  if (!entry || entry.state === 'loaded') return ''
  const why = entry.reason ? ` (${entry.reason})` : ''
  switch (entry.state) {
    case 'setup_retry':
      return ` The entry is retrying: Home Assistant cannot reach ${host} right now.`
    case 'setup_error':
      return ` Home Assistant could not start the entry${why}.`
    case 'migration_error':
      return ` Home Assistant could not migrate the entry${why}.`
    case 'failed_unload':
      return ' Home Assistant could not unload the entry to apply the change: restart Home Assistant.'
    case 'not_loaded':
      return entry.disabled_by ? ' The entry is disabled in Home Assistant.' : ' The entry is not loaded.'
    case 'setup_in_progress':
    case 'unload_in_progress':
      return ' Home Assistant is still reloading the entry; the key’s next check will say whether it works.'
    default:
      return ` The entry is ${entry.state.replace(/_/g, ' ')}${why}.`
  }
}
