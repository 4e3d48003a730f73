// LAN discovery: UBNT (UDP 10001) + airOS (UDP 10002) + mDNS (Home Assistant)
// + HTTPS fingerprints (+ an optional subnet sweep) → ONE inventory.
// Pure Node, never imports electron. Nothing happens at import time: sockets
// open in start(), on the interfaces the caller chose (or the recommended ones),
// and stop() closes every socket and timer.
//
// Timing defaults follow the reference: re-send every 1000 ms while a scan
// runs (official app SCAN_PERIOD_MS, discovery.md §1.1); a scan lasts 6 s and
// repeats every 60 s; cards silent for 3 minutes are dropped (the official
// app's 5 s TTL assumes a continuous scan, §1.8; we scan in bursts).
//
// Units: session.ts (sockets, packets, scans), inventory.ts + card.ts (the
// cards), fingerprint-queue.ts (HTTPS looks), changes.ts (events), notices.ts,
// limits.ts / mdns-guard.ts / clean.ts (what a hostile LAN cannot grow or spoof,
// issue 14 §8).
import { isIP } from 'node:net'
import type { ManualAddResult, UispSearchProgress } from '../../../shared/inventory.ts'
import { CONSOLE_PORTS, normalizeAddress } from '../net/address.ts'
import { createChangeEmitter, type ChangeEmitter } from './changes.ts'
import type { Fingerprint } from './fingerprint.ts'
import { createFingerprintQueue } from './fingerprint-queue.ts'
import { listInterfaces } from './interfaces.ts'
import { InventoryStore, MAX_CARDS } from './inventory.ts'
import { SourceRateLimiter } from './limits.ts'
import { Notices } from './notices.ts'
import { createRoundTracker } from './scan-round.ts'
import {
  closeSession,
  configOf,
  isLocal,
  live,
  MAX_MANUAL_TARGETS,
  openSession,
  scan,
  sendRequest,
  track,
  type Ctx,
} from './session.ts'
import type { Discovery, DiscoveryOptions, DiscoveryStats } from './types.ts'
import { V1_REQUEST, V2_REQUEST } from './ubnt.ts'
import { searchForUisp } from './uisp-search.ts'
import { UISP_PORTS } from '../uisp/http.ts'

export type { InterfaceSource } from './interfaces.ts'
export { listInterfaces } from './interfaces.ts'
export { announcedHaUuid } from './ha-claims.ts'
export type { Discovery, DiscoveryOptions, DiscoveryStats, StartOptions } from './types.ts'

/** Fingerprints a typed address; without HTTPS, a device that answered UBNT is still worth a card. */
async function addManual(ctx: Ctx, raw: string): Promise<ManualAddResult> {
  let host: string
  let port: number
  try {
    ;({ host, port } = normalizeAddress(raw, 0))
  } catch (err) {
    return { ok: false, code: 'invalid-input', message: (err as Error).message }
  }
  const s = ctx.session
  // No port typed: the console port, then UniFi OS Server's and the Network app's (unifi-os.md §1 Ports).
  const ports = port === 0 ? [ctx.cfg.fpPort, ...CONSOLE_PORTS.filter((p) => p !== 443)] : [port]
  if (isIP(host) === 4 && (ctx.manualTargets.has(host) || ctx.manualTargets.size < MAX_MANUAL_TARGETS)) {
    ctx.manualTargets.add(host)
    if (live(ctx, s) && s.ubnt) {
      for (const request of [V1_REQUEST, V2_REQUEST]) sendRequest(ctx, s.ubnt, request, host)
    }
  }
  const { store } = ctx
  let last: Fingerprint | null = null
  for (const p of ports) {
    last = await ctx.fp.manual(host, p, s)
    if (last.reachable) break
  }
  if (last?.reachable) {
    const id = store.applyFingerprint(last, store.idForAddress(host), true)
    const item = id ? store.get(id) : null
    if (item) return { ok: true, item }
  }
  for (let waited = 0; waited < 1500 && live(ctx, s); waited += 100) {
    const id = store.idForAddress(host)
    if (id) {
      store.markManual(id, host)
      const item = store.get(id)
      if (item) return { ok: true, item }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const where = port === 0 ? host : `${host}:${port}`
  // Plain words; what the network said goes in `detail`, and the screen adds what to check (issue 17).
  return {
    ok: false,
    code: 'unreachable',
    message: `Nothing answered at ${where}.`,
    ...(last?.error ? { detail: last.error } : {}),
  }
}

type Context = Ctx & {
  changes: ChangeEmitter
  statusListeners: Set<() => void>
  uispSearch: { progress: UispSearchProgress; cancelled: boolean } | null
}

const notifyStatus = (ctx: Context): void => {
  for (const listener of ctx.statusListeners) {
    try {
      listener()
    } catch {
      ctx.stats.handlerErrors++
    }
  }
}

/** Starts "search this subnet for UISP" on the running session (uisp-search.ts); its progress is in the status. */
function startUispSearch(ctx: Context): void {
  const s = ctx.session
  if (!live(ctx, s) || ctx.uispSearch?.progress.running) return
  const sweep = ctx.cfg.sweep ?? {}
  // uisp.md §3 [inferred]: a UISP server answers on 443 or 8443; a sweep port set for tests is the only one.
  const ports = sweep.port !== undefined ? [sweep.port] : [...new Set([ctx.cfg.fpPort, ...UISP_PORTS])]
  const run: NonNullable<Context['uispSearch']> = {
    progress: {
      running: true,
      tried: 0,
      total: 0,
      found: [],
      cancelled: false,
      tooLarge: [],
      startedAt: '',
      endedAt: null,
    },
    cancelled: false,
  }
  ctx.uispSearch = run
  const search = searchForUisp({
    subnets: s.interfaces,
    skip: (a) => s.ownAddresses.has(a),
    ports,
    concurrency: sweep.concurrency ?? 64,
    connectTimeoutMs: sweep.connectTimeoutMs ?? 700,
    cancelled: () => run.cancelled || !live(ctx, s),
    identify: async (address, port) => {
      const fp = await ctx.fp.manual(address, port, s)
      if (live(ctx, s) && fp.reachable) ctx.store.applyFingerprint(fp, ctx.store.idForAddress(address), false)
      return fp.uispServer !== null
    },
    onProgress: (progress) => {
      run.progress = progress
      notifyStatus(ctx)
    },
  })
  void track(ctx, search)
}

function createContext(options: DiscoveryOptions): Context {
  const cfg = configOf(options)
  const stats: DiscoveryStats = {
    ubntReceived: 0,
    ubntInvalid: 0,
    ubntIgnored: 0,
    airosReceived: 0,
    airosInvalid: 0,
    handlerErrors: 0,
    requestsSent: 0,
    fingerprints: 0,
    mdnsServices: 0,
    mdnsResponses: 0,
    overflow: 0,
    rateLimited: 0,
    mdnsRefused: 0,
    fingerprintsDropped: 0,
  }
  // The callbacks below run only once `self.ctx` is set (at the end of this function).
  const self: { ctx?: Context } = {}
  const store = new InventoryStore({
    isLocal: (a) => isLocal(self.ctx!, a),
    onChange: (kind) => changes.request(kind),
    onOverflow: () => {
      stats.overflow++
    },
  })
  const changes = createChangeEmitter({
    list: () => store.list(),
    throttleMs: options.throttleMs ?? 250,
    touchEmitMs: options.touchEmitMs ?? 10_000,
    onListenerError: () => {
      stats.handlerErrors++
    },
  })
  const fp = options.fingerprint === false ? null : (options.fingerprint ?? {})
  const queue = createFingerprintQueue({
    store,
    stats,
    automatic: fp !== null,
    concurrency: fp?.concurrency ?? 6,
    timeoutMs: fp?.timeoutMs ?? 3000,
    maxAgeMs: fp?.maxAgeMs ?? 10 * 60_000,
    port: cfg.fpPort,
    serverPort: cfg.fpServerPort,
    current: () => self.ctx!.session,
    live: (s): s is NonNullable<typeof s> => live(self.ctx!, s),
    track: (p) => track(self.ctx!, p),
    onProbe: options.onProbe,
  })
  self.ctx = {
    options,
    cfg,
    stats,
    store,
    fp: queue,
    changes,
    sources: new SourceRateLimiter(cfg.perSourcePerSecond),
    notices: new Notices(),
    session: null,
    pending: new Set(),
    manualTargets: new Set(),
    round: createRoundTracker({
      work: () => ({
        burstRunning: self.ctx!.session?.burst != null,
        sweeping: self.ctx!.session?.sweeping ?? false,
        fingerprintsPending: queue.pending(),
      }),
      onChange: () => notifyStatus(self.ctx!),
      pollMs: Math.min(250, cfg.resendMs),
      graceMs: options.roundGraceMs ?? 30_000,
    }),
    statusListeners: new Set(),
    uispSearch: null,
  }
  return self.ctx
}

/** Running counts: the per-instance ones plus what the open sockets and browsers counted. */
function statsOf(ctx: Ctx): DiscoveryStats {
  const s = ctx.session
  const mdns = s?.mdns ?? []
  const sum = (f: (m: (typeof mdns)[number]) => number): number => mdns.reduce((n, m) => n + f(m), 0)
  return {
    ...ctx.stats,
    handlerErrors: ctx.stats.handlerErrors + (s?.ubnt?.stats.handlerErrors ?? 0) + (s?.airos?.stats.handlerErrors ?? 0),
    mdnsResponses: ctx.stats.mdnsResponses + sum((m) => m.stats.responses),
    rateLimited: ctx.sources.dropped + sum((m) => m.stats.rateLimited),
    mdnsRefused: sum((m) => m.stats.refused),
  }
}

export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  const ctx = createContext(options)
  let starting: Promise<void> | null = null
  return {
    async start(startOptions = {}) {
      await starting
      starting = (async () => {
        await closeSession(ctx)
        await openSession(ctx, startOptions.interfaces)
      })()
      try {
        await starting
      } finally {
        starting = null
      }
    },
    async stop() {
      await starting
      await closeSession(ctx)
      ctx.changes.cancel()
      ctx.fp.clear()
    },
    scanNow() {
      if (ctx.session) scan(ctx, ctx.session, true)
    },
    addManual: (raw) => track(ctx, addManual(ctx, raw)),
    forget(id) {
      const item = ctx.store.get(id)
      if (!item) return false
      for (const a of item.addresses) ctx.manualTargets.delete(a)
      return ctx.store.forget(id)
    },
    inventory: () => ctx.store.list(),
    onChange: (listener) => ctx.changes.subscribe(listener),
    searchUisp() {
      startUispSearch(ctx)
      return this.status()
    },
    cancelUispSearch() {
      if (ctx.uispSearch) ctx.uispSearch.cancelled = true
    },
    onStatus(listener) {
      ctx.statusListeners.add(listener)
      return () => ctx.statusListeners.delete(listener)
    },
    status() {
      const s = ctx.session
      const stats = statsOf(ctx)
      return {
        running: s !== null,
        scanning: s !== null && ctx.round.running,
        lastScanEndedAt: ctx.round.endedAt,
        uispSearch: ctx.uispSearch ? { ...ctx.uispSearch.progress } : null,
        interfaces: s?.interfaces.map((i) => i.name).filter((n, i, a) => a.indexOf(n) === i) ?? [],
        ubntPort: s?.ubnt?.port ?? null,
        notices: ctx.notices.current({
          rateLimited: stats.rateLimited,
          lastDropped: ctx.sources.lastDropped,
          overflow: stats.overflow,
          maxCards: MAX_CARDS,
          mdnsRefused: stats.mdnsRefused,
        }),
      }
    },
    stats: () => statsOf(ctx),
    listInterfaces: () => listInterfaces(options.interfaceSource),
  }
}
