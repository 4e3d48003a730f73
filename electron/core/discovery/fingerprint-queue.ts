// When discovery fingerprints what over HTTPS (fingerprint.ts), split out of
// index.ts. Everything it remembers is bounded (issue 14 §8): at most
// MAX_QUEUED automatic probes wait for a slot (a flood of echoes or mDNS hints
// from spoofed addresses would otherwise queue one probe per address), and the
// "tried lately" and "nothing answered" tables keep the newest MAX_REMEMBERED.
import { fingerprint, Limiter, type Fingerprint } from './fingerprint.ts'
import type { FingerprintState, InventoryStore } from './inventory.ts'
import type { DiscoveryStats, Session } from './types.ts'

export const MAX_QUEUED = 256
const MAX_REMEMBERED = 4096

export interface FingerprintQueueOptions {
  store: InventoryStore
  stats: DiscoveryStats
  /** False: only manual addresses are fingerprinted. */
  automatic: boolean
  concurrency: number
  timeoutMs: number
  maxAgeMs: number
  port: number
  /** UniFi OS Server's port (11443, unifi-os.md §1), asked only where `lookAt` says; null: never. */
  serverPort: number | null
  current: () => Session | null
  live: (s: Session | null) => s is Session
  track: <T>(p: Promise<T>) => Promise<T>
  onProbe?: (host: string, port: number) => void
}

export interface FingerprintQueue {
  /** Fingerprints a card's best addresses (first that answers HTTPS), unless done within `freshMs`. */
  card(id: string, freshMs?: number): void
  /** Fingerprints an address no card has (an echo, a sweep hit, an mDNS hint). */
  address(address: string, priority: number): void
  /** A typed address: always runs, first in line, ignoring "nothing answered lately". */
  manual(host: string, port: number, s: Session | null): Promise<Fingerprint>
  /** Looks running or waiting for a slot (a scan round waits for them, scan-round.ts). */
  pending(): number
  clear(): void
}

function remember(map: Map<string, number>, key: string, at: number): void {
  map.delete(key)
  map.set(key, at)
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string)
}

const deadResult = (host: string, port: number): Fingerprint => ({
  host,
  port,
  reachable: false,
  error: 'nothing answered HTTPS there a moment ago',
  certificateSha256: null,
  console: null,
  uispServer: null,
  uispDevice: null,
  at: Date.now(),
})

const identified = (fp: Fingerprint) => fp.console !== null || fp.uispServer !== null || fp.uispDevice !== null

type Run = (host: string, port: number, s: Session | null) => Promise<Fingerprint>

/**
 * A card's address on `o.port` (443), then, only for an address that replied to discovery itself
 * (never a sweep hit, never an address a TLV merely lists) where 443 identified nothing: the web
 * port its UBNT reply names (0x0F, discovery.md §1.4) and UniFi OS Server's 11443 (unifi-os.md §1),
 * so a UOS Server that answers discovery becomes a console card with its port. The first console
 * found wins; otherwise what 443 said stands.
 */
async function lookAtCard(
  o: FingerprintQueueOptions,
  run: Run,
  look: { host: string; state: FingerprintState; s: Session | null },
): Promise<Fingerprint> {
  const { host, state, s } = look
  const fp = await run(host, o.port, s)
  if (identified(fp) || !state.replied.includes(host)) return fp
  const others = [...new Set([state.webPort, o.serverPort])].filter((p): p is number => p !== null && p !== o.port)
  for (const port of others) {
    if (!o.live(s)) break
    const other = await run(host, port, s)
    if (other.console) return other
  }
  return fp
}

export function createFingerprintQueue(o: FingerprintQueueOptions): FingerprintQueue {
  const limiter = new Limiter(o.concurrency)
  const inFlight = new Set<string>()
  const attempts = new Map<string, number>()
  /** Hosts where nothing answered HTTPS lately: spoofed replies naming many MACs from one address cost one probe. */
  const deadHosts = new Map<string, number>()
  const deadForMs = Math.min(o.maxAgeMs, 60_000)

  const probe = (host: string, port: number, s: Session | null): Promise<Fingerprint> => {
    o.stats.fingerprints++
    try {
      o.onProbe?.(host, port)
    } catch {
      o.stats.handlerErrors++
    }
    return fingerprint({ host, port }, { timeoutMs: o.timeoutMs, cancelled: () => s !== null && !o.live(s) })
  }

  const run = async (host: string, port: number, s: Session | null, force = false): Promise<Fingerprint> => {
    const key = `${host}|${port}`
    const dead = deadHosts.get(key)
    if (!force && dead !== undefined && Date.now() - dead < deadForMs) return deadResult(host, port)
    const result = await probe(host, port, s)
    if (result.reachable) deadHosts.delete(key)
    else remember(deadHosts, key, Date.now())
    return result
  }

  /** Queues `task` under `key` unless it is running, was tried within `freshMs`, or the queue is full. */
  const enqueue = (key: string, freshMs: number, priority: number, task: () => Promise<void>): void => {
    const now = Date.now()
    if (inFlight.has(key) || now - (attempts.get(key) ?? 0) < freshMs) return
    if (limiter.pending >= MAX_QUEUED) {
      o.stats.fingerprintsDropped++
      return
    }
    remember(attempts, key, now)
    inFlight.add(key)
    void o.track(limiter.run(task, priority).finally(() => inFlight.delete(key)))
  }

  return {
    card(id, freshMs = o.maxAgeMs) {
      const s = o.current()
      if (!o.automatic || !o.live(s)) return
      const state = o.store.fingerprintState(id)
      if (!state || !state.worth || state.candidates.length === 0) return
      if (Date.now() - (state.lastAt ?? 0) < freshMs) return
      const item = o.store.get(id)
      const priority = item && (item.kind === 'console' || item.kind === 'nvr' || item.ubnt?.echoed) ? 1 : 0
      enqueue(id, freshMs, priority, async () => {
        for (const host of state.candidates) {
          if (!o.live(s)) return
          const fp = await lookAtCard(o, run, { host, state, s })
          if (!o.live(s)) return
          if (fp.reachable) {
            o.store.applyFingerprint(fp, id, false)
            return
          }
        }
      })
    },
    address(address, priority) {
      const s = o.current()
      if (!o.automatic || !o.live(s)) return
      enqueue(`address:${address}`, o.maxAgeMs, priority, async () => {
        if (!o.live(s)) return
        const fp = await run(address, o.port, s)
        if (o.live(s) && fp.reachable) o.store.applyFingerprint(fp, o.store.idForAddress(address), false)
      })
    },
    manual: (host, port, s) => limiter.run(() => run(host, port, s, true), 2),
    pending: () => limiter.pending,
    clear() {
      inFlight.clear()
      attempts.clear()
      deadHosts.clear()
    },
  }
}
