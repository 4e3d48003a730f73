// The consoles Keyward knows: what a probe records, what the user's re-trust accepts, and
// forgetting one. A probe records the certificate it saw but never confirms it; only
// `trust` (the user compared the fingerprint) does (console/trust.ts, issue 14 §3).
import type { ConsoleAddress, ConsoleProbe, ConsoleRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { EventHub } from '../events.ts'
import { consoleCandidates, normalizeAddress } from '../net/address.ts'
import type { Settings } from '../settings/settings.ts'
import { probeAddresses, probeConsole, type ProbeOptions, type RawProbe } from './probe.ts'
import { isConsoleConfirmed } from './trust.ts'
import { trustAccessCertificate } from '../unifi/access-pin.ts'

export interface ConsoleRegistryOptions {
  settings: Settings
  hub: Pick<EventHub, 'emit'>
  /** Drops every session and pooled connection to a console (unifi/service.ts `invalidate`). */
  invalidate: (key: string) => void
  probeTimeoutMs?: number
  /** The network side (default console/probe.ts); unit tests answer without a console. */
  probeAddresses?: (addresses: ConsoleAddress[], options: ProbeOptions) => Promise<RawProbe>
  probeConsole?: (address: ConsoleAddress, options: ProbeOptions) => Promise<RawProbe>
  /** Access developer API port (unifi-os.md §1: 12445), for tests. */
  accessPort?: number
}

export interface ConsoleRegistry {
  /** Probes what the user typed and records the console unless its confirmed certificate changed. */
  probe(text: string): Promise<ConsoleProbe>
  /** Accepts exactly the certificate the user compared, after probing again. */
  trust(key: string, sha256: string): Promise<ConsoleRecord>
  /** Pins the certificate of Access's API port the user compared (unifi/access-pin.ts). */
  trustAccess(key: string, sha256: string): Promise<ConsoleRecord>
  /** Forgets a console and every session on it; its keys stay and report it unknown. */
  forget(key: string): ConsoleRecord[]
}

type Trust = ConsoleProbe['trust']

/** Only a confirmed certificate can "change"; one never confirmed is replaced, still unconfirmed (issue 14 §3). */
function trustOf(known: ConsoleRecord | undefined, confirmed: boolean, sha256: string): Trust {
  if (!known || (!confirmed && known.certificateSha256 !== sha256)) return 'first-contact'
  return known.certificateSha256 === sha256 ? 'matches' : 'changed'
}

function recordOf(raw: RawProbe, confirmed: boolean): ConsoleRecord {
  const { address } = raw
  return {
    key: address.key,
    host: address.host,
    port: address.port,
    kind: raw.kind,
    model: raw.model,
    name: raw.name,
    mac: raw.mac,
    apps: raw.apps,
    certificateSha256: raw.certificate.sha256,
    confirmed,
    lastSeen: raw.probedAt,
  }
}

export function createConsoleRegistry(options: ConsoleRegistryOptions): ConsoleRegistry {
  const { settings, hub } = options
  const timeouts: ProbeOptions = options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}
  const probeMany = options.probeAddresses ?? probeAddresses
  const probeOne = options.probeConsole ?? probeConsole
  const changed = () => hub.emit('console.changed', settings.listConsoles())
  const find = (key: string) => settings.listConsoles().find((c) => c.key === key)

  return {
    async probe(text) {
      // A bare host is tried on each console port (443, UniFi OS Server 11443, Network app 8443; unifi-os.md §1).
      const raw = await probeMany(consoleCandidates(text), timeouts)
      const known = find(raw.address.key)
      const confirmed = known ? isConsoleConfirmed(known, settings) : false
      const trust = trustOf(known, confirmed, raw.certificate.sha256)
      if (trust !== 'changed') {
        const record = recordOf(raw, trust === 'matches' && confirmed)
        // The same console certificate keeps the Access pin confirmed with it (access-pin.ts).
        if (trust === 'matches' && known?.accessPin) record.accessPin = known.accessPin
        settings.upsertConsole(record)
        changed()
      }
      return { ...raw, trust }
    },

    // Re-trust: probe again and accept only the certificate the user just compared,
    // so a fingerprint copied from an old screen cannot be accepted by mistake.
    async trust(key, sha256) {
      const known = find(key)
      if (!known) throw new KeywardFailure('not-found', 'Keyward does not know that console; check its address first.')
      const raw = await probeOne(normalizeAddress(key), timeouts)
      if (raw.certificate.sha256 !== sha256) {
        const message = `${known.name ?? known.host} now presents a different certificate than the one you confirmed. Compare again.`
        throw new KeywardFailure('certificate-changed', message)
      }
      const { model, name, mac, apps } = raw
      const record: ConsoleRecord = {
        ...known,
        model,
        name,
        mac,
        apps,
        certificateSha256: sha256,
        confirmed: true,
        lastSeen: raw.probedAt,
      }
      // Re-trusting the console drops the Access port's own pin: it is confirmed again on its next check.
      delete record.accessPin
      settings.upsertConsole(record)
      // Sessions pinned to the certificate it replaces go now, not at the next restart (issue 14 §3).
      if (known.certificateSha256 !== sha256) options.invalidate(key)
      changed()
      return record
    },

    async trustAccess(key, sha256) {
      const record = await trustAccessCertificate(settings, key, sha256, options.accessPort)
      changed()
      return record
    },

    forget(key) {
      options.invalidate(key)
      if (settings.forgetConsole(key)) changed()
      return settings.listConsoles()
    },
  }
}
