// The core: everything Keyward does, in plain Node. Transports (Electron IPC in
// electron/shell, the loopback bridge in electron/browser-host) only carry
// requests to `invoke` and events from `subscribe`.
import type { ConsoleProbe, ConsoleRecord, DesktopStatus, VaultStatus } from '../../shared/domain.ts'
import { probeAddresses, probeConsole } from './console/probe.ts'
import { isConsoleConfirmed } from './console/trust.ts'
import { maskSecret } from '../../shared/format.ts'
import { createConsoleService } from './unifi/service.ts'
import { createKeyActions, createSecretCopier, type ClipboardPort } from './keys/actions.ts'
import { createUispService } from './uisp/service.ts'
import { createHomeAssistantService } from './homeassistant/service.ts'
import { createKeyWatch, type KeyWatch, type KeyWatchOptions } from './keys/watch.ts'
import { createUnifiKeyChecker, UNIFI_KEY_APPS } from './keys/unifi-check.ts'
import { createUsageReader } from './keys/usage.ts'
import { announcedHaUuid, createDiscovery, type Discovery, type DiscoveryOptions } from './discovery/index.ts'
import type { DiscoveryStatus } from '../../shared/inventory.ts'
import { createDispatch, type Dispatch, type Handlers } from './dispatch.ts'
import { createEventHub, type EventHub } from './events.ts'
import { cloudCheck } from './keys/cloud-check.ts'
import { createLogger, type Logger, type LogSink } from './log.ts'
import { consoleCandidates, normalizeAddress } from './net/address.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { openSettings, type Settings } from './settings/settings.ts'
import { KeyringSecretStore, type SecretStore } from './vault/secret-store.ts'

export interface CoreOptions {
  /** Directory of the settings file (Electron: app.getPath('userData')). */
  dataDir: string
  version: string
  vault?: SecretStore
  log?: Logger
  /**
   * Where the core's own logger writes its lines when `log` is not given (default
   * stderr). The Electron shell passes `teeSink(stderrSink, logFile.write)`; the
   * logger redacts the vault's known secrets before any sink sees a line.
   */
  logSink?: LogSink
  /**
   * Where logs are kept, for `logs.location`, and how to show their folder
   * (Electron: `() => shell.openPath(dir)`; a non-empty string it returns is its
   * error message). Without it `logs.location` answers null.
   */
  logs?: LogsOptions
  probeTimeoutMs?: number
  /**
   * Site Manager to recognise cloud keys (unifi-os.md §5.4), asked only by keys.cloudCheck when
   * the user asks why a key fails. The app passes https://api.ui.com; tests a simulator; null
   * never asks the cloud.
   */
  siteManager?: { url: string; ca?: string } | null
  /** Access developer API port (12445 on real consoles). */
  accessPort?: number
  /** The system clipboard (Electron shell); without it, copy hands the key to the page. */
  clipboard?: ClipboardPort
  /** Background-check tuning (tests inject a clock or pacer). */
  keyWatch?: Partial<Pick<KeyWatchOptions, 'now' | 'random' | 'pacer' | 'leadDays' | 'maxBackoffMs'>>
  /** Discovery tuning (tests shorten timers); it opens no socket until `discovery.start`. */
  discovery?: DiscoveryOptions
  /** The machine's network attachment (default keys/network-watch.ts `networkSignature`; tests move it). */
  networkSignature?: () => string
}

export interface LogsOptions {
  dir: string
  file: string
  open?: () => Promise<string | void>
}

export interface Core {
  invoke: Dispatch
  subscribe: EventHub['subscribe']
  subscribeAll: EventHub['subscribeAll']
  settings: Settings
  vault: SecretStore
  log: Logger
  /** Background checks of every key (start() begins the schedule). */
  keys: KeyWatch
  /** What the desktop offers (the Electron shell sets it; `desktop.status` and `desktop.changed` show it). */
  desktop: { status(): DesktopStatus; set(status: DesktopStatus): void }
  /** Signs out of every console, stops discovery and checks. */
  close(): Promise<void>
}

/** `logs.location` and `logs.open`: where the log file is, and showing its folder. */
function logsHandlers(logs: LogsOptions | undefined): Pick<Handlers, 'logs.location' | 'logs.open'> {
  return {
    'logs.location': () => (logs ? { dir: logs.dir, file: logs.file, canOpen: typeof logs.open === 'function' } : null),
    'logs.open': async () => {
      if (!logs) {
        throw new KeywardFailure('unsupported', 'Keyward keeps no log file here, so there is no folder to open.')
      }
      if (!logs.open) {
        throw new KeywardFailure('unsupported', `Keyward cannot open folders from here. The log file is ${logs.file}.`)
      }
      let problem: string | void
      try {
        problem = await logs.open()
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error)
      }
      if (problem) {
        const message = `Your system did not open the log folder. Open ${logs.dir} yourself.`
        throw new KeywardFailure('refused', message, problem)
      }
      return null
    },
  }
}

export function createCore(options: CoreOptions): Core {
  const vault = options.vault ?? new KeyringSecretStore()
  const isSecret = (s: string) => vault.isKnownSecret(s)
  const log = options.log ?? createLogger(options.logSink, isSecret)
  const hub = createEventHub((error) => log.error('event listener failed', { error }))
  const settings = openSettings({ cwd: options.dataDir, projectVersion: options.version, isSecret })
  if (settings.recoveredFrom) log.warn('settings file was corrupt; moved aside', { movedTo: settings.recoveredFrom })

  // Discovery is created on first use (below); HA identity checks read its mDNS announcements when it runs.
  let discovery: Discovery | null = null
  const homeAssistant = createHomeAssistantService({
    settings,
    vault,
    ...(options.networkSignature ? { network: options.networkSignature } : {}),
    announcedUuid: (addresses) => (discovery ? announcedHaUuid(discovery.inventory(), addresses) : null),
  })

  // Background checks, paced per console and user (keys/pacer.ts); checkers are registered below.
  const keys = createKeyWatch({
    settings,
    vault,
    hub,
    log,
    haHealth: (records) => homeAssistant.health(records),
    ...(options.keyWatch ?? {}),
  })

  const consoles = createConsoleService({
    settings,
    vault,
    hub,
    log,
    onKeyReady: (record) => keys.register(record),
    onKeyGone: (keyRef) => keys.dismiss(keyRef),
    ...(options.accessPort ? { accessPort: options.accessPort } : {}),
  })

  const copier = createSecretCopier(options.clipboard ? { settings, clipboard: options.clipboard } : { settings })
  const uispService = createUispService({
    settings,
    vault,
    log,
    copier,
    onTokenReady: (record) => keys.register(record),
    onTokenRevoked: async (serverKey, tokenId) => {
      const watched = settings.listKeys().find((k) => k.app === 'uisp' && k.consoleKey === serverKey && k.remoteId === tokenId)
      if (watched) await keys.forget(watched.id)
    },
    ...(options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}),
  })
  keys.registerChecker(UNIFI_KEY_APPS, createUnifiKeyChecker({ settings, ...(options.accessPort ? { accessPort: options.accessPort } : {}) }))
  keys.registerChecker(['uisp'], (record, secret, pace) => uispService.checkToken(record, secret, pace))

  const keyActions = createKeyActions({
    settings,
    vault,
    watch: keys,
    copier,
    uisp: uispService,
    adminSession: (key) => consoles.adminSession(key),
    userSession: (key, username, password) => consoles.userSession(key, username, password),
    verifyFor: (key, app, pushedTo) => {
      const c = settings.listConsoles().find((r) => r.key === key)
      if (!c) throw new KeywardFailure('not-found', 'Keyward does not know that console any more.')
      return consoles.verifyFor(c, app, pushedTo)
    },
    maskSecret,
    handOver: (key, secret) => homeAssistant.handOver(key, secret),
  })

  const usage = createUsageReader({
    listKeys: () => settings.listKeys(),
    save: (changed) => keys.amend(changed),
    sessionFor: keyActions.sessionFor,
    uispTokens: (serverKey) => uispService.listTokens(serverKey),
    log,
    ...(options.keyWatch?.now ? { now: options.keyWatch.now } : {}),
  })

  // Discovery is created on first use: importing or creating the core sends nothing.
  const finder = (): Discovery => {
    if (!discovery) {
      discovery = createDiscovery(options.discovery ?? {})
      discovery.onChange((items) => hub.emit('inventory.changed', items))
    }
    return discovery
  }
  const discoveryStatus = (): DiscoveryStatus =>
    discovery?.status() ?? { running: false, scanning: false, interfaces: [], ubntPort: null, notices: [] }
  const announce = () => {
    const status = discoveryStatus()
    hub.emit('discovery.changed', status)
    return status
  }

  let lastVault: VaultStatus | null = null
  const vaultStatus = async () => {
    const status = await vault.status()
    if (lastVault && (lastVault.available !== status.available || lastVault.problem !== status.problem)) {
      hub.emit('vault.changed', status)
    }
    lastVault = status
    return status
  }

  const probe = async (text: string): Promise<ConsoleProbe> => {
    // A bare host is tried on each console port (443, UniFi OS Server 11443, Network app 8443; unifi-os.md §1).
    const timeouts = options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}
    const raw = await probeAddresses(consoleCandidates(text), timeouts)
    const address = raw.address
    const known = settings.listConsoles().find((c) => c.key === address.key)
    // Only a confirmed certificate can "change"; one never confirmed is replaced, still unconfirmed (issue 14 §3).
    const confirmed = known ? isConsoleConfirmed(known, settings) : false
    const trust = !known || (!confirmed && known.certificateSha256 !== raw.certificate.sha256)
      ? 'first-contact'
      : known.certificateSha256 === raw.certificate.sha256
        ? 'matches'
        : 'changed'
    if (trust !== 'changed') {
      const record: ConsoleRecord = {
        key: address.key,
        host: address.host,
        port: address.port,
        kind: raw.kind,
        model: raw.model,
        name: raw.name,
        mac: raw.mac,
        apps: raw.apps,
        certificateSha256: raw.certificate.sha256,
        confirmed: trust === 'matches' && confirmed,
        lastSeen: raw.probedAt,
      }
      settings.upsertConsole(record)
      hub.emit('console.changed', settings.listConsoles())
    }
    return { ...raw, trust }
  }

  // Re-trust: probe again and accept only the certificate the user just compared,
  // so a fingerprint copied from an old screen cannot be accepted by mistake.
  const trust = async (key: string, sha256: string): Promise<ConsoleRecord> => {
    const known = settings.listConsoles().find((c) => c.key === key)
    if (!known) throw new KeywardFailure('not-found', 'Keyward does not know that console; check its address first.')
    const raw = await probeConsole(normalizeAddress(key), options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {})
    if (raw.certificate.sha256 !== sha256) {
      throw new KeywardFailure('certificate-changed', `${known.name ?? known.host} now presents a different certificate than the one you confirmed. Compare again.`)
    }
    const { model, name, mac, apps } = raw
    const record: ConsoleRecord = {
      ...known, model, name, mac, apps, certificateSha256: sha256, confirmed: true, lastSeen: raw.probedAt,
    }
    settings.upsertConsole(record)
    // Sessions pinned to the certificate it replaces go now, not at the next restart (issue 14 §3).
    if (known.certificateSha256 !== sha256) consoles.invalidate(key)
    hub.emit('console.changed', settings.listConsoles())
    return record
  }

  /** Forgets a console and every session on it; its keys stay and report it unknown. */
  const forget = (key: string): ConsoleRecord[] => {
    consoles.invalidate(key)
    if (settings.forgetConsole(key)) hub.emit('console.changed', settings.listConsoles())
    return settings.listConsoles()
  }

  let desktopStatus: DesktopStatus = { trayHost: null }

  const handlers: Handlers = {
    'console.probe': ({ address }) => probe(address),
    'console.trust': ({ key, sha256 }) => trust(key, sha256),
    'console.forget': ({ key }) => forget(key),
    'console.list': () => settings.listConsoles(),
    'vault.status': () => vaultStatus(),
    'console.signIn': (input) => consoles.signIn(input),
    'console.signOut': ({ key }) => consoles.signOut(key),
    'hosts.forApp': ({ app, picked }) => consoles.hostsFor(app, picked),
    'provision.plan': ({ key, app }) => consoles.plan(key, app),
    'provision.run': (input) => consoles.provision(input),
    'provision.resume': ({ id }) => consoles.resume(id),
    'provision.list': () => consoles.list(),
    'provision.cleanup': ({ id }) => consoles.cleanup(id),
    'discovery.interfaces': () => finder().listInterfaces(),
    'discovery.start': async ({ interfaces }) => {
      await finder().start(interfaces ? { interfaces } : {})
      return announce()
    },
    'discovery.stop': async () => {
      await discovery?.stop()
      return announce()
    },
    'discovery.status': () => discoveryStatus(),
    'discovery.scan': () => {
      if (!discovery?.status().running) throw new KeywardFailure('invalid-input', 'Discovery is not running; start it first.')
      discovery.scanNow()
      return announce()
    },
    'inventory.list': () => discovery?.inventory() ?? [],
    'inventory.addManual': ({ address }) => finder().addManual(address),
    'keys.list': () => keys.list(),
    'keys.check': ({ ids }) => keys.checkNow(ids),
    'keys.usage': async ({ force }) => {
      await usage.refresh(force ?? false)
      return keys.list()
    },
    'keys.pause': ({ id, paused }) => keys.setPaused(id, paused),
    'keys.forget': ({ id }) => keys.forget(id),
    'keys.copy': ({ id }) => keyActions.copy(id),
    'keys.copyPassword': ({ id }) => keyActions.copyPassword(id),
    'keys.reveal': ({ id }) => keyActions.reveal(id),
    'keys.rotate': ({ id }) => keyActions.rotate(id),
    'keys.revoke': ({ id }) => keyActions.revoke(id),
    'keys.cloudCheck': ({ id }) => cloudCheck({ settings, vault, siteManager: options.siteManager ?? null }, id),
    'ha.connect': (input) => homeAssistant.connect(input),
    'ha.list': () => homeAssistant.list(),
    'ha.continue': ({ id, sha256 }) => homeAssistant.resume(id, sha256),
    'ha.forget': ({ id }) => homeAssistant.forget(id),
    'ha.push': async ({ keyId, haId, mode, siteId }) => {
      const result = await homeAssistant.push(keyId, haId, { ...(mode ? { mode } : {}), ...(siteId ? { siteId } : {}) })
      hub.emit('keys.changed', keys.list())
      return result
    },
    'ha.pushOptions': ({ keyId, haId }) => homeAssistant.pushOptions(keyId, haId),
    'ha.consent': ({ keyId, haId, sentence }) => homeAssistant.consent(keyId, haId, sentence),
    'ha.copyFields': ({ keyId, haId }) => homeAssistant.copyFields(keyId, haId),
    'ha.fit': ({ haId, app }) => homeAssistant.fit(haId, app),
    'keys.viewing': ({ open }) => {
      keys.setKeyListOpen(open)
      if (open) void usage.refresh() // the list's "last used" column; throttled per console
      return null
    },
    'uisp.servers': () => uispService.listServers().sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen)),
    'uisp.probe': ({ address }) => uispService.probe(address),
    'uisp.trust': ({ key, sha256 }) => uispService.trust(key, sha256),
    'uisp.forget': ({ key }) => uispService.forgetServer(key),
    'uisp.signIn': (input) => uispService.signIn(input),
    'uisp.signOut': ({ key }) => uispService.signOut(key),
    'uisp.plan': ({ key }) => uispService.plan(key),
    'uisp.createToken': (input) => uispService.createToken(input),
    'uisp.resumeToken': ({ id }) => uispService.resumeToken(id),
    'uisp.listTokens': ({ key }) => uispService.listTokens(key),
    'uisp.revokeToken': ({ key, tokenId }) => uispService.revokeToken(key, tokenId),
    'uispKey.list': () => uispService.listKeys(),
    'uispKey.save': ({ text }) => uispService.saveKey(text),
    'uispKey.fromServer': ({ key }) => uispService.keyFromServer(key),
    'uispKey.check': ({ id }) => uispService.checkKey(id),
    'uispKey.copy': ({ id }) => uispService.copyKey(id),
    'uispKey.forget': ({ id }) => uispService.forgetKey(id),
    'uispKey.registration': ({ id, device }) => uispService.registration(id, device),
    'uispKey.copyRegistration': ({ id, device }) => uispService.copyRegistration(id, device),
    'tray.model': () => keys.tray(),
    'settings.status': () => ({ path: settings.path, recoveredFrom: settings.recoveredFrom }),
    'preferences.get': () => settings.getPreferences(),
    'preferences.set': (partial) => {
      const preferences = settings.setPreferences(partial)
      hub.emit('preferences.changed', preferences)
      if (partial.checkIntervalMinutes !== undefined || partial.expiryLeadDays !== undefined) keys.preferencesChanged()
      return preferences
    },
    ...logsHandlers(options.logs),
    'desktop.status': () => desktopStatus,
  }

  return {
    invoke: createDispatch(handlers, log),
    subscribe: hub.subscribe,
    subscribeAll: hub.subscribeAll,
    settings,
    vault,
    log,
    keys,
    desktop: {
      status: () => desktopStatus,
      set(status) {
        desktopStatus = status
        hub.emit('desktop.changed', status)
      },
    },
    close: async () => {
      // A secret still on the clipboard is cleared now, not by a timer that dies with the process
      // (release takes the pending clear synchronously, before stop() drops it).
      const clipboardCleared = copier.release()
      keyActions.stop()
      await Promise.all([clipboardCleared, consoles.close(), uispService.close(), discovery?.stop(), keys.stop()])
    },
  }
}
