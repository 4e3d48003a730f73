// One running discovery session, split out of index.ts: the sockets opened by
// start() on the chosen interfaces, the packet handlers, the scan bursts and
// the optional sweep. `Ctx` is the state of one createDiscovery() instance.
//
// A hostile LAN is a normal day (issue 14 §8): replies and echoes are charged
// to their source address (limits.ts) before they reach the inventory, which
// is bounded itself (inventory.ts), and so are the mDNS browsers
// (mdns-guard.ts) and the fingerprint queue (fingerprint-queue.ts).
import { isIP } from 'node:net'
import type { DiscoveryInterface } from '../../../shared/inventory.ts'
import { AIROS_PORT, parseAirosPacket } from './airos.ts'
import { cleanText } from './clean.ts'
import type { FingerprintQueue } from './fingerprint-queue.ts'
import { chooseInterfaces, inSubnet, listInterfaces } from './interfaces.ts'
import type { InventoryStore } from './inventory.ts'
import { DEFAULT_PER_SOURCE_PER_SECOND, type SourceRateLimiter } from './limits.ts'
import { HOME_ASSISTANT_TYPE, homeAssistantDetails, openMdnsBrowser, type MdnsBrowser } from './mdns.ts'
import { sendBlockedMessage, type Notices } from './notices.ts'
import type { RoundTracker } from './scan-round.ts'
import { sweepSubnet } from './sweep.ts'
import type { DiscoveryOptions, DiscoveryStats, Session } from './types.ts'
import { openUdpEndpoint, type UdpEndpoint } from './udp.ts'
import { parseUbntPacket, UBNT_MULTICAST, UBNT_PORT, ubntHeaderKind, V1_REQUEST, V2_REQUEST } from './ubnt.ts'

const CONSOLE_REFRESH_MS = 30_000

/** Options with their defaults applied. */
export interface Config {
  ubntPort: number
  bindPort: number
  group: string
  airosPort: number | null
  resendMs: number
  scanDurationMs: number
  rescanIntervalMs: number
  ttlMs: number
  fingerprints: boolean
  fpPort: number
  fpServerPort: number | null
  sweep: { port?: number; concurrency?: number; connectTimeoutMs?: number } | null
  perSourcePerSecond: number
  platform: NodeJS.Platform
}

export function configOf(options: DiscoveryOptions): Config {
  const ubntPort = options.ubntPort ?? UBNT_PORT
  const fp = options.fingerprint === false ? null : (options.fingerprint ?? {})
  return {
    ubntPort,
    bindPort: options.bindPort ?? ubntPort,
    group: options.multicastGroup ?? UBNT_MULTICAST,
    airosPort: options.airosPort === undefined ? AIROS_PORT : options.airosPort,
    resendMs: options.resendMs ?? 1000,
    scanDurationMs: options.scanDurationMs ?? 6000,
    rescanIntervalMs: options.rescanIntervalMs ?? 60_000,
    ttlMs: options.ttlMs ?? 180_000,
    fingerprints: fp !== null,
    fpPort: fp?.port ?? 443,
    fpServerPort: fp?.serverPort === undefined ? 11443 : fp.serverPort,
    sweep: options.sweep === true ? {} : options.sweep || null,
    perSourcePerSecond: options.perSourcePerSecond ?? DEFAULT_PER_SOURCE_PER_SECOND,
    platform: options.platform ?? process.platform,
  }
}

export interface Ctx {
  options: DiscoveryOptions
  cfg: Config
  stats: DiscoveryStats
  store: InventoryStore
  fp: FingerprintQueue
  sources: SourceRateLimiter
  notices: Notices
  session: Session | null
  pending: Set<Promise<unknown>>
  /** Addresses typed in (IPv4), asked over UBNT on every scan; at most MAX_MANUAL_TARGETS. */
  manualTargets: Set<string>
  /** Whether a scan round runs, and when the last one ended (scan-round.ts). */
  round: RoundTracker
}

export const MAX_MANUAL_TARGETS = 64

export const live = (ctx: Ctx, s: Session | null): s is Session => s !== null && !s.stopped && s === ctx.session

export function track<T>(ctx: Ctx, p: Promise<T>): Promise<T> {
  ctx.pending.add(p)
  void p.finally(() => ctx.pending.delete(p)).catch(() => {})
  return p
}

export const isLocal = (ctx: Ctx, address: string): boolean =>
  !ctx.session || ctx.session.interfaces.some((i) => inSubnet(address, i.address, i.prefixLength))

const fromElsewhere = (s: Session, address: string): boolean =>
  s.otherSubnets.some((i) => inSubnet(address, i.address, i.prefixLength))

// ---- packets -------------------------------------------------------------------

function onUbnt(ctx: Ctx, s: Session, message: Buffer, from: { address: string; port: number }): void {
  if (!live(ctx, s)) return
  const { stats, store } = ctx
  stats.ubntReceived++
  // Our own requests come back (broadcast and multicast loop).
  if (s.ownAddresses.has(from.address) && from.port === s.ubnt?.port) return
  if (fromElsewhere(s, from.address)) {
    stats.ubntIgnored++
    return
  }
  // Anything that could change the inventory is charged to its sender before the field walk.
  if (ubntHeaderKind(message) !== null && !ctx.sources.admit(from.address)) return
  const packet = parseUbntPacket(message)
  if (packet.kind === 'invalid') {
    stats.ubntInvalid++
    return
  }
  if (packet.kind === 'request') {
    // The console echo: exactly our v1 request, from the console's address
    // and a port other than 10001 (§1.6, §1.7 step 3). Other scanners send
    // the same bytes, so an echo alone only earns an HTTPS look.
    if (packet.version === 1 && from.port !== ctx.cfg.ubntPort && !s.ownAddresses.has(from.address)) {
      const id = store.applyEcho(from.address)
      if (id) ctx.fp.card(id)
      else ctx.fp.address(from.address, 1)
    }
    return
  }
  // v0 is the "legacy response form" consoles send to the v2 request (§1.3).
  const id = store.applyUbnt(packet.reply, from.address, packet.reply.signature === 'v1' ? 'ubnt-v1' : 'ubnt-v2')
  if (id) ctx.fp.card(id)
}

function onAiros(ctx: Ctx, s: Session, message: Buffer, from: { address: string; port: number }): void {
  if (!live(ctx, s)) return
  ctx.stats.airosReceived++
  if (fromElsewhere(s, from.address)) return
  if (!ctx.sources.admit(from.address)) return
  const packet = parseAirosPacket(message)
  if (packet.kind !== 'reply') {
    ctx.stats.airosInvalid++
    return
  }
  const id = ctx.store.applyUbnt(packet.reply, from.address, 'airos')
  if (id) ctx.fp.card(id)
}

// ---- scanning ------------------------------------------------------------------

/** Sends one request; a send this computer refused (discovery.md §7) becomes a notice, once. */
export function sendRequest(ctx: Ctx, ep: UdpEndpoint, request: Uint8Array, address: string, via?: DiscoveryInterface) {
  ctx.stats.requestsSent++
  void ep.send(request, address, ctx.cfg.ubntPort, via).then((sent) => {
    const message = sent ? null : sendBlockedMessage(ep.stats.lastSendError, ctx.cfg.platform)
    if (message) ctx.notices.add('send-blocked', message)
  })
}

function sendRound(ctx: Ctx, s: Session): void {
  const ep = s.ubnt
  if (!ep || !live(ctx, s)) return
  const send = (address: string, via?: DiscoveryInterface): void => {
    for (const request of [V1_REQUEST, V2_REQUEST]) sendRequest(ctx, ep, request, address, via)
  }
  for (const iface of s.interfaces) {
    if (iface.broadcast) send(iface.broadcast)
    send(ctx.cfg.group, iface)
  }
  for (const target of [...ctx.manualTargets, ...(ctx.options.unicastTargets ?? [])]) send(target)
}

/**
 * A burst of requests. `visible`: a scan someone asked for (start, Scan again) opens a round the
 * views show ("Looking…" until it ends); the quiet periodic rescan does not, so the summary line does
 * not flicker every minute.
 */
export function startBurst(ctx: Ctx, s: Session, visible = true): void {
  s.scanUntil = Date.now() + ctx.cfg.scanDurationMs
  if (visible) ctx.round.begin()
  if (s.burst) return
  sendRound(ctx, s)
  s.burst = setInterval(() => {
    if (!live(ctx, s) || Date.now() >= s.scanUntil) {
      if (s.burst) clearInterval(s.burst)
      s.burst = null
      return
    }
    sendRound(ctx, s)
  }, ctx.cfg.resendMs)
}

function startSweep(ctx: Ctx, s: Session): void {
  const sweep = ctx.cfg.sweep
  if (!sweep || s.sweeping || !ctx.cfg.fingerprints) return
  s.sweeping = true
  const { store } = ctx
  const run = async (): Promise<void> => {
    for (const iface of s.interfaces) {
      if (!live(ctx, s)) break
      const open = await sweepSubnet(iface, {
        port: sweep.port ?? ctx.cfg.fpPort,
        concurrency: sweep.concurrency ?? 64,
        connectTimeoutMs: sweep.connectTimeoutMs ?? 700,
        skip: (a) => s.ownAddresses.has(a) || store.idForAddress(a) !== null,
        cancelled: () => !live(ctx, s),
        onOpen: (address) => {
          if (store.idForAddress(address) === null) ctx.fp.address(address, 0)
        },
      })
      if (open === null) {
        const message = `The network on ${iface.name} is too large to probe address by address.`
        ctx.notices.add('sweep-skipped', message, iface.name)
      }
    }
  }
  void track(
    ctx,
    run().finally(() => {
      s.sweeping = false
    }),
  )
}

/**
 * A periodic scan only re-sends UBNT requests (mDNS keeps its own backoff).
 * A requested one (start, scanNow) also restarts the mDNS backoff, refreshes
 * console fingerprints and runs the optional sweep.
 */
export function scan(ctx: Ctx, s: Session, requested: boolean): void {
  if (!live(ctx, s)) return
  startBurst(ctx, s, requested)
  if (!requested) return
  for (const m of s.mdns) m.restart()
  for (const item of ctx.store.list()) {
    if (item.kind === 'console' || item.kind === 'nvr') ctx.fp.card(item.id, CONSOLE_REFRESH_MS)
  }
  startSweep(ctx, s)
}

/** Drops silent cards, then whatever the mDNS browsers hold that no card shows. */
function expire(ctx: Ctx, s: Session): void {
  ctx.store.expire(ctx.cfg.ttlMs)
  const names = ctx.store.mdnsNames()
  for (const m of s.mdns) m.retain((fqdn) => names.has(cleanText(fqdn).toLowerCase()))
}

// ---- lifecycle -------------------------------------------------------------------

function openMdns(ctx: Ctx, s: Session, iface: DiscoveryInterface): MdnsBrowser {
  const mdns: Exclude<DiscoveryOptions['mdns'], false | undefined> = ctx.options.mdns || {}
  return openMdnsBrowser({
    iface,
    types: mdns.types ?? [HOME_ASSISTANT_TYPE],
    port: mdns.port,
    group: mdns.group,
    perSourcePerSecond: mdns.perSourcePerSecond,
    onUp: (svc) => {
      if (!live(ctx, s)) return
      ctx.stats.mdnsServices++
      if (svc.type === HOME_ASSISTANT_TYPE) {
        const addresses = svc.addresses.length > 0 ? svc.addresses : svc.referer ? [svc.referer] : []
        ctx.store.applyHomeAssistant(homeAssistantDetails(svc), addresses)
        return
      }
      // Generic hint: an address on this link worth an HTTPS look.
      for (const a of svc.addresses) {
        if (isIP(a) === 4 && isLocal(ctx, a) && ctx.store.idForAddress(a) === null) ctx.fp.address(a, 0)
      }
    },
    // Cards keep cleaned names (clean.ts); look them up the same way.
    onSeen: (fqdn, source) => {
      if (live(ctx, s)) ctx.store.touchMdns(cleanText(fqdn), source)
    },
    onDown: (fqdn, source) => {
      if (live(ctx, s)) ctx.store.removeMdns(cleanText(fqdn), source)
    },
    onError: (message) => ctx.notices.add('mdns-failed', message, iface.name),
  })
}

async function openSockets(ctx: Ctx, s: Session): Promise<void> {
  const { cfg, notices } = ctx
  try {
    s.ubnt = await openUdpEndpoint({
      port: cfg.bindPort,
      fallbackToEphemeral: true,
      group: cfg.group,
      interfaces: s.interfaces,
      onMessage: (m, from) => onUbnt(ctx, s, m, from),
    })
    if (s.ubnt.fellBack) {
      notices.add(
        'port-busy',
        `${s.ubnt.bindError}. Keyward scans from port ${s.ubnt.port} instead; devices that ` +
          `only answer on port ${cfg.bindPort}, and devices announcing themselves, may be missed.`,
      )
    }
  } catch (err) {
    notices.add('socket-failed', `Discovery could not open a UDP socket: ${(err as Error).message}.`)
  }
  if (cfg.airosPort !== null) {
    try {
      s.airos = await openUdpEndpoint({
        port: cfg.airosPort,
        fallbackToEphemeral: false,
        interfaces: s.interfaces,
        onMessage: (m, from) => onAiros(ctx, s, m, from),
      })
    } catch (err) {
      notices.add('airos-port-busy', `${(err as Error).message}; airOS radios announcing themselves will not be heard.`)
    }
  }
  if (ctx.options.mdns === false) return
  for (const iface of s.interfaces) {
    try {
      s.mdns.push(openMdns(ctx, s, iface))
    } catch (err) {
      notices.add('mdns-failed', `mDNS could not start on ${iface.name}: ${(err as Error).message}`, iface.name)
    }
  }
}

export async function openSession(ctx: Ctx, wanted: string[] | undefined): Promise<void> {
  const all = listInterfaces(ctx.options.interfaceSource)
  const { chosen, missing } = chooseInterfaces(all, wanted)
  for (const name of missing) {
    ctx.notices.add('unknown-interface', `There is no network interface called ${name}.`, name)
  }
  const s: Session = {
    interfaces: chosen,
    ownAddresses: new Set(all.map((i) => i.address)),
    otherSubnets: all.filter((i) => !chosen.includes(i) && !chosen.some((c) => c.name === i.name)),
    ubnt: null,
    airos: null,
    mdns: [],
    timers: new Set(),
    burst: null,
    scanUntil: 0,
    sweeping: false,
    stopped: false,
  }
  ctx.session = s
  if (chosen.length === 0) {
    ctx.notices.add(
      'no-interfaces',
      'No network interface to look for devices on (only loopback, VPN or ' +
        'link-local ones were found). Enter the console’s address instead.',
    )
    return
  }
  await openSockets(ctx, s)
  if (s.stopped) return
  const every = (ms: number, fn: () => void): void => {
    s.timers.add(setInterval(fn, ms))
  }
  every(ctx.cfg.rescanIntervalMs, () => scan(ctx, s, false))
  every(Math.max(1000, Math.min(ctx.cfg.ttlMs / 4, 30_000)), () => expire(ctx, s))
  // The mDNS browsers queried when they were created; no restart needed.
  startBurst(ctx, s)
  startSweep(ctx, s)
}

export async function closeSession(ctx: Ctx): Promise<void> {
  const s = ctx.session
  if (!s) return
  s.stopped = true
  ctx.session = null
  ctx.round.stop()
  if (s.burst) clearInterval(s.burst)
  for (const t of s.timers) clearInterval(t)
  s.timers.clear()
  await Promise.allSettled([s.ubnt?.close(), s.airos?.close(), ...s.mdns.map((m) => m.close())])
  // Probes already on the wire end at their deadline; queued ones see `stopped` and skip.
  while (ctx.pending.size > 0) await Promise.allSettled([...ctx.pending])
  // dgram reports 'close' before libuv has released the handle; one timer
  // turn later it has, so callers see no leftover handles after stop().
  await new Promise((resolve) => setTimeout(resolve, 1))
}
