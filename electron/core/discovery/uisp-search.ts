// "Search this subnet for UISP" (issue 17): a UISP server announces itself in no
// way (uisp.md §3, discovery.md §1.6), so the user may ask Keyward to try every
// address of the networks discovery listens on. It reuses the subnet sweep
// (sweep.ts: a TCP connect per address, bounded concurrency, a short connect
// deadline, subnets above /22 refused) and the HTTPS fingerprint (fingerprint.ts:
// deadline, size cap, no redirects) on each address that answered. Progress is
// "tried of total" addresses (each on every port), reported at most every `progressEveryMs`, and once at the end.
import type { DiscoveryInterface, UispSearchProgress } from '../../../shared/inventory.ts'
import { sweepSubnet, sweepTargets } from './sweep.ts'

export interface UispSearchOptions {
  subnets: DiscoveryInterface[]
  /** Addresses not to try (this computer's own). */
  skip: (address: string) => boolean
  /** Each address is tried on each port, in this order, before the next address (uisp.md §3 [inferred]: 443, 8443). */
  ports: readonly number[]
  concurrency: number
  connectTimeoutMs: number
  /** Checked before each connection: the user cancelled, or discovery stopped. */
  cancelled: () => boolean
  /** Looks at an address and port that accepted a connection: true when a UISP server answered there. */
  identify: (address: string, port: number) => Promise<boolean>
  onProgress: (progress: UispSearchProgress) => void
  progressEveryMs?: number
  now?: () => number
  /** The sweep (tests inject one that touches no network). */
  sweep?: typeof sweepSubnet
}

export async function searchForUisp(o: UispSearchOptions): Promise<UispSearchProgress> {
  const now = o.now ?? Date.now
  const sweep = o.sweep ?? sweepSubnet
  const targets = o.subnets.map((s) => ({ subnet: s, todo: sweepTargets(s, o.skip) }))
  const progress: UispSearchProgress = {
    running: true,
    tried: 0,
    total: targets.reduce((n, t) => n + (t.todo?.length ?? 0), 0),
    found: [],
    cancelled: false,
    tooLarge: targets.filter((t) => t.todo === null).map((t) => t.subnet.name),
    startedAt: new Date(now()).toISOString(),
    endedAt: null,
  }
  let reported = 0
  const report = (force: boolean): void => {
    if (!force && now() - reported < (o.progressEveryMs ?? 250)) return
    reported = now()
    o.onProgress({ ...progress, found: [...progress.found], tooLarge: [...progress.tooLarge] })
  }
  report(true)
  const looks: Promise<void>[] = []
  for (const { subnet, todo } of targets) {
    if (todo === null || o.cancelled()) continue
    await sweep(subnet, {
      port: o.ports[0] ?? 443,
      extraPorts: o.ports.slice(1),
      concurrency: o.concurrency,
      connectTimeoutMs: o.connectTimeoutMs,
      skip: o.skip,
      cancelled: o.cancelled,
      onOpen: (address, port) => {
        looks.push(
          o.identify(address, port).then(
            (isUisp) => void (isUisp && !progress.found.includes(address) && progress.found.push(address)),
            () => undefined,
          ),
        )
      },
      onTried: () => {
        progress.tried++
        report(false)
      },
    })
  }
  await Promise.all(looks)
  progress.running = false
  progress.cancelled = o.cancelled()
  progress.endedAt = new Date(now()).toISOString()
  report(true)
  return progress
}
