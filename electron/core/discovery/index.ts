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
import { isIP } from 'node:net'
import type {
  DiscoveryInterface, DiscoveryNotice, DiscoveryNoticeCode, DiscoveryStatus, InventoryItem, ManualAddResult,
} from '../../../shared/inventory.ts'
import { normalizeAddress } from '../net/address.ts'
import { AIROS_PORT, parseAirosPacket } from './airos.ts'
import { fingerprint, Limiter, type Fingerprint } from './fingerprint.ts'
import { chooseInterfaces, inSubnet, listInterfaces, type InterfaceSource } from './interfaces.ts'
import { InventoryStore, type ChangeKind } from './inventory.ts'
import { HOME_ASSISTANT_TYPE, homeAssistantDetails, openMdnsBrowser, type MdnsBrowser } from './mdns.ts'
import { sweepSubnet } from './sweep.ts'
import { openUdpEndpoint, type UdpEndpoint } from './udp.ts'
import { parseUbntPacket, UBNT_MULTICAST, UBNT_PORT, V1_REQUEST, V2_REQUEST } from './ubnt.ts'

export type { InterfaceSource } from './interfaces.ts'
export { listInterfaces } from './interfaces.ts'

export interface DiscoveryOptions {
  /** Where interfaces come from (default `os.networkInterfaces`); tests inject their own. */
  interfaceSource?: InterfaceSource
  /** Port devices listen on (10001). */
  ubntPort?: number
  /** Local port tried first (default = ubntPort), then an ephemeral one. */
  bindPort?: number
  multicastGroup?: string
  /** airOS announcement port (10002); null = do not listen. */
  airosPort?: number | null
  /** mDNS settings, or false to skip mDNS. */
  mdns?: false | { port?: number; group?: string; types?: string[] }
  resendMs?: number
  scanDurationMs?: number
  rescanIntervalMs?: number
  ttlMs?: number
  /** HTTPS fingerprints, or false to skip them. */
  fingerprint?: false | { concurrency?: number; timeoutMs?: number; maxAgeMs?: number; port?: number }
  /** TCP sweep of each chosen subnet for HTTPS (finds UISP servers); off by default. */
  sweep?: boolean | { port?: number; concurrency?: number; connectTimeoutMs?: number }
  /** Smallest gap between two change events. */
  throttleMs?: number
  /** Gap for changes that only refresh last-seen times. */
  touchEmitMs?: number
  /** Extra unicast UBNT targets asked on every scan (besides manual addresses). */
  unicastTargets?: string[]
  /** Called before every HTTPS fingerprint (diagnostics, tests). */
  onProbe?: (host: string, port: number) => void
}

export interface StartOptions {
  /** Interface names (or addresses) to use; default: the recommended ones. */
  interfaces?: string[]
}

export interface DiscoveryStats {
  ubntReceived: number
  ubntInvalid: number
  ubntIgnored: number
  airosReceived: number
  airosInvalid: number
  handlerErrors: number
  requestsSent: number
  fingerprints: number
  /** Services reported up by mDNS. */
  mdnsServices: number
  /** mDNS response packets received. */
  mdnsResponses: number
  overflow: number
}

export interface Discovery {
  /** Opens sockets on the chosen interfaces and starts a scan. Restarts when already running. */
  start(options?: StartOptions): Promise<void>
  /** Closes every socket and timer and waits for in-flight probes to end. */
  stop(): Promise<void>
  /** Starts a scan burst now (re-send, re-query mDNS, refresh console fingerprints). */
  scanNow(): void
  /** Fingerprints a typed address (and asks it over UBNT); the card stays until removed by the caller. */
  addManual(address: string): Promise<ManualAddResult>
  /** Removes a card (e.g. a manual address the user deletes); it returns if it is seen again. */
  forget(id: string): boolean
  /** The current inventory, sorted. */
  inventory(): InventoryItem[]
  /** Called with the full sorted inventory on changes (coalesced); returns unsubscribe. */
  onChange(listener: (items: InventoryItem[]) => void): () => void
  status(): DiscoveryStatus
  stats(): DiscoveryStats
  listInterfaces(): DiscoveryInterface[]
}

interface Session {
  interfaces: DiscoveryInterface[]
  ownAddresses: Set<string>
  otherSubnets: DiscoveryInterface[]
  ubnt: UdpEndpoint | null
  airos: UdpEndpoint | null
  mdns: MdnsBrowser[]
  timers: Set<NodeJS.Timeout>
  burst: NodeJS.Timeout | null
  scanUntil: number
  sweeping: boolean
  stopped: boolean
}

const CONSOLE_REFRESH_MS = 30_000

export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  const ubntPort = options.ubntPort ?? UBNT_PORT
  const bindPort = options.bindPort ?? ubntPort
  const group = options.multicastGroup ?? UBNT_MULTICAST
  const airosPort = options.airosPort === undefined ? AIROS_PORT : options.airosPort
  const resendMs = options.resendMs ?? 1000
  const scanDurationMs = options.scanDurationMs ?? 6000
  const rescanIntervalMs = options.rescanIntervalMs ?? 60_000
  const ttlMs = options.ttlMs ?? 180_000
  const fpOptions = options.fingerprint === false ? null : (options.fingerprint ?? {})
  const fpTimeoutMs = fpOptions?.timeoutMs ?? 3000
  const fpMaxAgeMs = fpOptions?.maxAgeMs ?? 10 * 60_000
  const fpPort = fpOptions?.port ?? 443
  const sweepOptions = options.sweep === true ? {} : options.sweep || null
  const throttleMs = options.throttleMs ?? 250
  const touchEmitMs = options.touchEmitMs ?? 10_000
  const limiter = new Limiter(fpOptions?.concurrency ?? 6)

  const listeners = new Set<(items: InventoryItem[]) => void>()
  const notices: DiscoveryNotice[] = []
  const stats: DiscoveryStats = {
    ubntReceived: 0, ubntInvalid: 0, ubntIgnored: 0, airosReceived: 0, airosInvalid: 0, handlerErrors: 0,
    requestsSent: 0, fingerprints: 0, mdnsServices: 0, mdnsResponses: 0, overflow: 0,
  }
  const inFlight = new Set<string>()
  const attempts = new Map<string, number>()
  const pending = new Set<Promise<unknown>>()
  const manualTargets = new Set<string>()
  let session: Session | null = null
  let starting: Promise<void> | null = null

  // ---- change events ---------------------------------------------------------

  let emitTimer: NodeJS.Timeout | null = null
  let emitDue = 0
  let lastEmit = 0
  let dirtySignificant = false

  const flush = (): void => {
    emitTimer = null
    dirtySignificant = false
    lastEmit = Date.now()
    const list = store.list()
    for (const l of listeners) {
      try {
        l(list)
      } catch {
        stats.handlerErrors++
      }
    }
  }

  const requestEmit = (kind: ChangeKind): void => {
    if (listeners.size === 0) return
    if (kind === 'significant') dirtySignificant = true
    const due = lastEmit + (dirtySignificant ? throttleMs : touchEmitMs)
    if (emitTimer && emitDue <= due) return
    if (emitTimer) clearTimeout(emitTimer)
    emitDue = due
    emitTimer = setTimeout(flush, Math.max(0, due - Date.now()))
  }

  const isLocal = (address: string): boolean =>
    !session || session.interfaces.some((i) => inSubnet(address, i.address, i.prefixLength))

  const store = new InventoryStore({
    isLocal,
    onChange: requestEmit,
    onOverflow: () => { stats.overflow++ },
  })

  const notice = (code: DiscoveryNoticeCode, message: string, iface: string | null = null): void => {
    if (notices.some((n) => n.code === code && n.message === message && n.interface === iface)) return
    notices.push({ code, message, interface: iface, at: new Date().toISOString() })
    if (notices.length > 32) notices.shift()
  }

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p)
    void p.finally(() => pending.delete(p)).catch(() => {})
    return p
  }

  const live = (s: Session | null): s is Session => s !== null && !s.stopped && s === session

  // ---- fingerprints ----------------------------------------------------------

  /** Hosts where nothing answered HTTPS lately: spoofed replies naming many MACs from one address cost one probe. */
  const deadHosts = new Map<string, number>()
  const DEAD_FOR_MS = Math.min(fpMaxAgeMs, 60_000)

  const runFingerprint = async (host: string, port: number, s: Session | null, force = false): Promise<Fingerprint> => {
    const key = `${host}|${port}`
    const dead = deadHosts.get(key)
    if (!force && dead !== undefined && Date.now() - dead < DEAD_FOR_MS) {
      return {
        host, port, reachable: false, error: 'nothing answered HTTPS there a moment ago', certificateSha256: null,
        console: null, uispServer: null, uispDevice: null, at: Date.now(),
      }
    }
    const result = await probe(host, port, s)
    if (result.reachable) deadHosts.delete(key)
    else {
      deadHosts.set(key, Date.now())
      if (deadHosts.size > 4096) deadHosts.delete(deadHosts.keys().next().value as string)
    }
    return result
  }

  const probe = (host: string, port: number, s: Session | null): Promise<Fingerprint> => {
    stats.fingerprints++
    try {
      options.onProbe?.(host, port)
    } catch {
      stats.handlerErrors++
    }
    return fingerprint({ host, port }, { timeoutMs: fpTimeoutMs, cancelled: () => s !== null && !live(s) })
  }

  /** Fingerprints the card's best addresses (first that answers HTTPS). */
  const fingerprintCard = (id: string, freshMs = fpMaxAgeMs): void => {
    const s = session
    if (!fpOptions || !live(s)) return
    const state = store.fingerprintState(id)
    if (!state || !state.worth || state.candidates.length === 0) return
    const now = Date.now()
    const last = Math.max(state.lastAt ?? 0, attempts.get(id) ?? 0)
    if (inFlight.has(id) || now - last < freshMs) return
    attempts.set(id, now)
    if (attempts.size > 4096) attempts.delete(attempts.keys().next().value as string)
    inFlight.add(id)
    const item = store.get(id)
    const priority = item && (item.kind === 'console' || item.kind === 'nvr' || item.ubnt?.echoed) ? 1 : 0
    track(
      limiter
        .run(async () => {
          for (const host of state.candidates) {
            if (!live(s)) return
            const fp = await runFingerprint(host, fpPort, s)
            if (!live(s)) return
            if (fp.reachable) {
              store.applyFingerprint(fp, id, false)
              return
            }
          }
        }, priority)
        .finally(() => inFlight.delete(id)),
    )
  }

  /** Fingerprints an address no card has (an echo, a sweep hit). */
  const fingerprintAddress = (address: string, priority: number): void => {
    const s = session
    const key = `address:${address}`
    if (!fpOptions || !live(s) || inFlight.has(key)) return
    const now = Date.now()
    if (now - (attempts.get(key) ?? 0) < fpMaxAgeMs) return
    attempts.set(key, now)
    inFlight.add(key)
    track(
      limiter
        .run(async () => {
          if (!live(s)) return
          const fp = await runFingerprint(address, fpPort, s)
          if (live(s) && fp.reachable) store.applyFingerprint(fp, store.idForAddress(address), false)
        }, priority)
        .finally(() => inFlight.delete(key)),
    )
  }

  // ---- packets -----------------------------------------------------------------

  const fromElsewhere = (s: Session, address: string): boolean =>
    s.otherSubnets.some((i) => inSubnet(address, i.address, i.prefixLength))

  const onUbnt = (s: Session, message: Buffer, from: { address: string; port: number }): void => {
    if (!live(s)) return
    stats.ubntReceived++
    // Our own requests come back (broadcast and multicast loop).
    if (s.ownAddresses.has(from.address) && from.port === s.ubnt?.port) return
    if (fromElsewhere(s, from.address)) {
      stats.ubntIgnored++
      return
    }
    const packet = parseUbntPacket(message)
    if (packet.kind === 'invalid') {
      stats.ubntInvalid++
      return
    }
    if (packet.kind === 'request') {
      // The console echo: exactly our v1 request, from the console's address
      // and a port other than 10001 (§1.6, §1.7 step 3). Other scanners send
      // the same bytes, so an echo alone only earns an HTTPS look.
      if (packet.version === 1 && from.port !== ubntPort && !s.ownAddresses.has(from.address)) {
        const id = store.applyEcho(from.address)
        if (id) fingerprintCard(id)
        else fingerprintAddress(from.address, 1)
      }
      return
    }
    // v0 is the "legacy response form" consoles send to the v2 request (§1.3).
    const id = store.applyUbnt(packet.reply, from.address, packet.reply.signature === 'v1' ? 'ubnt-v1' : 'ubnt-v2')
    if (id) fingerprintCard(id)
  }

  const onAiros = (s: Session, message: Buffer, from: { address: string; port: number }): void => {
    if (!live(s)) return
    stats.airosReceived++
    if (fromElsewhere(s, from.address)) return
    const packet = parseAirosPacket(message)
    if (packet.kind !== 'reply') {
      stats.airosInvalid++
      return
    }
    const id = store.applyUbnt(packet.reply, from.address, 'airos')
    if (id) fingerprintCard(id)
  }

  // ---- scanning ----------------------------------------------------------------

  const sendRound = (s: Session): void => {
    const ep = s.ubnt
    if (!ep || !live(s)) return
    const send = (address: string, via?: DiscoveryInterface): void => {
      for (const request of [V1_REQUEST, V2_REQUEST]) {
        stats.requestsSent++
        void ep.send(request, address, ubntPort, via)
      }
    }
    for (const iface of s.interfaces) {
      if (iface.broadcast) send(iface.broadcast)
      send(group, iface)
    }
    for (const target of [...manualTargets, ...(options.unicastTargets ?? [])]) send(target)
  }

  const startBurst = (s: Session): void => {
    s.scanUntil = Date.now() + scanDurationMs
    if (s.burst) return
    sendRound(s)
    s.burst = setInterval(() => {
      if (!live(s) || Date.now() >= s.scanUntil) {
        if (s.burst) clearInterval(s.burst)
        s.burst = null
        return
      }
      sendRound(s)
    }, resendMs)
  }

  const startSweep = (s: Session): void => {
    if (!sweepOptions || s.sweeping || !fpOptions) return
    s.sweeping = true
    track(
      (async () => {
        for (const iface of s.interfaces) {
          if (!live(s)) break
          const open = await sweepSubnet(iface, {
            port: sweepOptions.port ?? fpPort,
            concurrency: sweepOptions.concurrency ?? 64,
            connectTimeoutMs: sweepOptions.connectTimeoutMs ?? 700,
            skip: (a) => s.ownAddresses.has(a) || store.idForAddress(a) !== null,
            cancelled: () => !live(s),
            onOpen: (address) => { if (store.idForAddress(address) === null) fingerprintAddress(address, 0) },
          })
          if (open === null) {
            notice('sweep-skipped', `The network on ${iface.name} is too large to probe address by address.`, iface.name)
          }
        }
      })().finally(() => { s.sweeping = false }),
    )
  }

  /**
   * A periodic scan only re-sends UBNT requests (mDNS keeps its own backoff).
   * A requested one (start, scanNow) also restarts the mDNS backoff, refreshes
   * console fingerprints and runs the optional sweep.
   */
  const scan = (s: Session, requested: boolean): void => {
    if (!live(s)) return
    startBurst(s)
    if (!requested) return
    for (const m of s.mdns) m.restart()
    for (const item of store.list()) {
      if (item.kind === 'console' || item.kind === 'nvr') fingerprintCard(item.id, CONSOLE_REFRESH_MS)
    }
    startSweep(s)
  }

  // ---- lifecycle -----------------------------------------------------------------

  async function open(wanted: string[] | undefined): Promise<void> {
    const all = listInterfaces(options.interfaceSource)
    const { chosen, missing } = chooseInterfaces(all, wanted)
    for (const name of missing) notice('unknown-interface', `There is no network interface called ${name}.`, name)
    const s: Session = {
      interfaces: chosen,
      ownAddresses: new Set(all.map((i) => i.address)),
      otherSubnets: all.filter((i) => !chosen.includes(i) && !chosen.some((c) => c.name === i.name)),
      ubnt: null, airos: null, mdns: [], timers: new Set(), burst: null, scanUntil: 0, sweeping: false, stopped: false,
    }
    session = s
    if (chosen.length === 0) {
      notice('no-interfaces', 'No network interface to look for devices on (only loopback, VPN or link-local ones were found). Enter the console’s address instead.')
      return
    }
    try {
      s.ubnt = await openUdpEndpoint({
        port: bindPort, fallbackToEphemeral: true, group, interfaces: chosen,
        onMessage: (m, from) => onUbnt(s, m, from),
      })
      if (s.ubnt.fellBack) {
        notice('port-busy', `${s.ubnt.bindError}. Keyward scans from port ${s.ubnt.port} instead; devices that only answer on port ${bindPort}, and devices announcing themselves, may be missed.`)
      }
    } catch (err) {
      notice('socket-failed', `Discovery could not open a UDP socket: ${(err as Error).message}.`)
    }
    if (airosPort !== null) {
      try {
        s.airos = await openUdpEndpoint({
          port: airosPort, fallbackToEphemeral: false, interfaces: chosen, onMessage: (m, from) => onAiros(s, m, from),
        })
      } catch (err) {
        notice('airos-port-busy', `${(err as Error).message}; airOS radios announcing themselves will not be heard.`)
      }
    }
    if (options.mdns !== false) {
      const types = options.mdns?.types ?? [HOME_ASSISTANT_TYPE]
      for (const iface of chosen) {
        try {
          s.mdns.push(
            openMdnsBrowser({
              iface, types, port: options.mdns?.port, group: options.mdns?.group,
              onUp: (svc) => {
                if (!live(s)) return
                stats.mdnsServices++
                if (svc.type === HOME_ASSISTANT_TYPE) {
                  const addresses = svc.addresses.length > 0 ? svc.addresses : svc.referer ? [svc.referer] : []
                  store.applyHomeAssistant(homeAssistantDetails(svc), addresses)
                } else {
                  // Generic hint: an address on this link worth an HTTPS look.
                  for (const a of svc.addresses) {
                    if (isIP(a) === 4 && isLocal(a) && store.idForAddress(a) === null) fingerprintAddress(a, 0)
                  }
                }
              },
              onSeen: (fqdn) => { if (live(s)) store.touchMdns(fqdn) },
              onDown: (fqdn) => { if (live(s)) store.removeMdns(fqdn) },
              onError: (message) => notice('mdns-failed', message, iface.name),
            }),
          )
        } catch (err) {
          notice('mdns-failed', `mDNS could not start on ${iface.name}: ${(err as Error).message}`, iface.name)
        }
      }
    }
    if (s.stopped) return
    const every = (ms: number, fn: () => void): void => { s.timers.add(setInterval(fn, ms)) }
    every(rescanIntervalMs, () => scan(s, false))
    every(Math.max(1000, Math.min(ttlMs / 4, 30_000)), () => store.expire(ttlMs))
    // The mDNS browsers queried when they were created; no restart needed.
    startBurst(s)
    startSweep(s)
  }

  async function close(): Promise<void> {
    const s = session
    if (!s) return
    s.stopped = true
    session = null
    if (s.burst) clearInterval(s.burst)
    for (const t of s.timers) clearInterval(t)
    s.timers.clear()
    await Promise.allSettled([s.ubnt?.close(), s.airos?.close(), ...s.mdns.map((m) => m.close())])
    // Probes already on the wire end at their deadline; queued ones see `stopped` and skip.
    while (pending.size > 0) await Promise.allSettled([...pending])
    // dgram reports 'close' before libuv has released the handle; one timer
    // turn later it has, so callers see no leftover handles after stop().
    await new Promise((resolve) => setTimeout(resolve, 1))
  }

  return {
    async start(startOptions = {}) {
      await starting
      starting = (async () => {
        await close()
        await open(startOptions.interfaces)
      })()
      try {
        await starting
      } finally {
        starting = null
      }
    },
    async stop() {
      await starting
      await close()
      if (emitTimer) clearTimeout(emitTimer)
      emitTimer = null
      inFlight.clear()
      attempts.clear()
      deadHosts.clear()
    },
    scanNow() {
      if (session) scan(session, true)
    },
    async addManual(raw) {
      let host: string
      let port: number
      try {
        const parsed = normalizeAddress(raw, 0)
        host = parsed.host
        port = parsed.port
      } catch (err) {
        return { ok: false, message: (err as Error).message }
      }
      const s = session
      const ports = port === 0 ? [fpPort, 8443] : [port]
      if (isIP(host) === 4 && manualTargets.size < 64) {
        manualTargets.add(host)
        if (live(s) && s.ubnt) {
          for (const request of [V1_REQUEST, V2_REQUEST]) void s.ubnt.send(request, host, ubntPort)
        }
      }
      const work = (async (): Promise<ManualAddResult> => {
        let last: Fingerprint | null = null
        for (const p of ports) {
          last = await limiter.run(() => runFingerprint(host, p, s, true), 2)
          if (last.reachable) break
        }
        if (last?.reachable) {
          const id = store.applyFingerprint(last, store.idForAddress(host), true)
          const item = id ? store.get(id) : null
          if (item) return { ok: true, item }
        }
        // No HTTPS: a device that answered UBNT is still worth a card.
        for (let waited = 0; waited < 1500 && live(s); waited += 100) {
          const id = store.idForAddress(host)
          if (id) {
            store.markManual(id, host)
            const item = store.get(id)
            if (item) return { ok: true, item }
          }
          await new Promise((r) => setTimeout(r, 100))
        }
        const where = port === 0 ? host : `${host}:${port}`
        return { ok: false, message: `Nothing at ${where} answered${last?.error ? `: ${last.error}` : '.'}` }
      })()
      return track(work)
    },
    forget(id) {
      const item = store.get(id)
      if (!item) return false
      for (const a of item.addresses) manualTargets.delete(a)
      return store.forget(id)
    },
    inventory: () => store.list(),
    onChange(listener) {
      listeners.add(listener)
      const list = store.list()
      queueMicrotask(() => {
        if (!listeners.has(listener)) return
        try {
          listener(list)
        } catch {
          stats.handlerErrors++
        }
      })
      return () => { listeners.delete(listener) }
    },
    status() {
      return {
        running: session !== null,
        scanning: session !== null && session.burst !== null,
        interfaces: session?.interfaces.map((i) => i.name).filter((n, i, a) => a.indexOf(n) === i) ?? [],
        ubntPort: session?.ubnt?.port ?? null,
        notices: notices.map((n) => ({ ...n })),
      }
    },
    stats() {
      const s = session
      return {
        ...stats,
        handlerErrors: stats.handlerErrors + (s?.ubnt?.stats.handlerErrors ?? 0) + (s?.airos?.stats.handlerErrors ?? 0),
        mdnsResponses: stats.mdnsResponses + (s?.mdns.reduce((n, m) => n + m.stats.responses, 0) ?? 0),
      }
    },
    listInterfaces: () => listInterfaces(options.interfaceSource),
  }
}
