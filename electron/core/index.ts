// The core: everything Keyward does, in plain Node. Transports (Electron IPC in
// electron/shell, the loopback bridge in electron/browser-host) only carry
// requests to `invoke` and events from `subscribe`.
import type { DesktopStatus } from '../../shared/domain.ts'
import { maskSecret } from '../../shared/format.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { createActivityLog } from './audit/activity.ts'
import { withActivity } from './audit/activity-map.ts'
import { createAuditService } from './audit/service.ts'
import { createConsoleRegistry } from './console/registry.ts'
import { announcedHaUuid, type DiscoveryOptions } from './discovery/index.ts'
import { createDispatch, type Dispatch, type Handlers } from './dispatch.ts'
import { createEventHub, type EventHub } from './events.ts'
import { auditHandlers } from './handlers/audit.ts'
import { consoleHandlers } from './handlers/console.ts'
import { createLazyDiscovery, discoveryHandlers, type LazyDiscovery } from './handlers/discovery.ts'
import { homeAssistantHandlers } from './handlers/homeassistant.ts'
import { keyHandlers } from './handlers/keys.ts'
import { createDesktopState, createVaultStatus, settingsHandlers, type LogsOptions } from './handlers/settings.ts'
import { uispHandlers } from './handlers/uisp.ts'
import { createHomeAssistantService, type HomeAssistantService } from './homeassistant/service.ts'
import { createKeyActions, createSecretCopier, type ClipboardPort } from './keys/actions.ts'
import { keyFromFlow } from './keys/from-flow.ts'
import { createUserRemoval } from './keys/key-user.ts'
import { createUsageReader } from './keys/usage.ts'
import { createUnifiKeyChecker, UNIFI_KEY_APPS } from './keys/unifi-check.ts'
import { createKeyWatch, type KeyWatch, type KeyWatchOptions } from './keys/watch.ts'
import { createLogger, type Logger, type LogSink } from './log.ts'
import { openSettings, type Settings } from './settings/settings.ts'
import { createUispService } from './uisp/service.ts'
import { createConsoleService } from './unifi/service.ts'
import { KeyringSecretStore, type SecretStore } from './vault/secret-store.ts'

export type { LogsOptions } from './handlers/settings.ts'

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

export function createCore(options: CoreOptions): Core {
  const vault = options.vault ?? new KeyringSecretStore()
  const isSecret = (s: string) => vault.isKnownSecret(s)
  const log = options.log ?? createLogger(options.logSink, isSecret)
  const hub = createEventHub((error) => log.error('event listener failed', { error }))
  const settings = openSettings({ cwd: options.dataDir, projectVersion: options.version, isSecret })
  if (settings.recoveredFrom) log.warn('settings file was corrupt; moved aside', { movedTo: settings.recoveredFrom })

  // Discovery is created on first use (discovery.start): importing or creating the core sends nothing.
  // HA identity checks read its mDNS announcements when it runs.
  const finder = createLazyDiscovery(hub, options.discovery ?? {})
  const homeAssistant = createHomeAssistantService({
    settings,
    vault,
    ...(options.networkSignature ? { network: options.networkSignature } : {}),
    announcedUuid: (addresses) => {
      const discovery = finder.current()
      return discovery ? announcedHaUuid(discovery.inventory(), addresses) : null
    },
  })

  // Background checks, paced per console and user (keys/pacer.ts); each kind's checker is registered below.
  const keys = createKeyWatch({
    settings,
    vault,
    hub,
    log,
    haHealth: (records, seen) => homeAssistant.health(records, seen),
    ...(options.keyWatch ?? {}),
  })

  const services = createServices(options, { settings, vault, hub, log }, keys, homeAssistant)
  const accessPort = options.accessPort ? { accessPort: options.accessPort } : {}
  keys.registerChecker(UNIFI_KEY_APPS, createUnifiKeyChecker({ settings, ...accessPort }))
  keys.registerChecker(['uisp'], (record, secret, pace) => services.uisp.checkToken(record, secret, pace))
  return wire(options, { settings, vault, hub, log }, { ...services, keys, homeAssistant, finder })
}

interface Base {
  settings: Settings
  vault: SecretStore
  hub: EventHub
  log: Logger
}

/** The UniFi console service, the UISP service and what acts on keys, each wired to the key watch. */
function createServices(options: CoreOptions, base: Base, keys: KeyWatch, homeAssistant: HomeAssistantService) {
  const { settings, vault, hub, log } = base
  const consoles = createConsoleService({
    settings,
    vault,
    hub,
    log,
    onKeyReady: (ready) => keys.register(keyFromFlow(ready)),
    onKeyGone: (keyRef) => keys.dismiss(keyRef),
    ...(options.accessPort ? { accessPort: options.accessPort } : {}),
  })

  const copier = createSecretCopier(options.clipboard ? { settings, clipboard: options.clipboard } : { settings })
  const uisp = createUispService({
    settings,
    vault,
    log,
    copier,
    onTokenReady: (record) => keys.register(record),
    onTokenRevoked: async (serverKey, tokenId) => {
      const watched = settings
        .listKeys()
        .find((k) => k.app === 'uisp' && k.consoleKey === serverKey && k.remoteId === tokenId)
      if (watched) await keys.forget(watched.id)
    },
    ...(options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}),
  })

  const keyActions = createKeyActions({
    settings,
    vault,
    watch: keys,
    copier,
    uisp,
    adminSession: (key) => consoles.adminSession(key),
    userSession: (key, username, password) => consoles.userSession(key, username, password),
    verifyFor: (key, app, pushedTo) => {
      const c = settings.listConsoles().find((r) => r.key === key)
      if (!c) throw new KeywardFailure('not-found', 'Keyward does not know that console any more.')
      return consoles.verifyFor(c, app, pushedTo)
    },
    maskSecret,
    handOver: (key, secret) => homeAssistant.handOver(key, secret),
    userRemoval: createUserRemoval({
      listKeys: () => settings.listKeys(),
      listProvisions: () => settings.listProvisions(),
      adminSession: (key) => consoles.adminSession(key),
      cleanup: (flowId) => consoles.cleanup(flowId),
    }),
  })

  const usage = createUsageReader({
    listKeys: () => settings.listKeys(),
    save: (changed) => keys.amend(changed),
    sessionFor: keyActions.sessionFor,
    uispTokens: (serverKey) => uisp.listTokens(serverKey),
    log,
    ...(options.keyWatch?.now ? { now: options.keyWatch.now } : {}),
  })

  return { consoles, copier, uisp, keyActions, usage }
}

type Services = ReturnType<typeof createServices> & {
  keys: KeyWatch
  homeAssistant: HomeAssistantService
  finder: LazyDiscovery
}

/** The lab audit (issue 18) over the console and UISP services, and the activity log. */
function createAudit(base: Base, services: Services) {
  const { settings, vault } = base
  const { consoles, uisp, keys } = services
  const activity = createActivityLog(settings)
  const audit = createAuditService({
    settings,
    vault,
    activity,
    consoles: {
      find: (key) => settings.listConsoles().find((c) => c.key === key),
      signedInSession: (key) => consoles.signedInSession(key),
      lockedUntil: (c) => consoles.lockedUntil(c),
      userSession: (key, username, password) => consoles.userSession(key, username, password),
    },
    uisp: {
      isKnown: (key) => uisp.listServers().some((s) => s.key === key),
      isSignedIn: (key) => uisp.isSignedIn(key),
      listTokens: (key) => uisp.listTokens(key),
    },
    revokeUispToken: (key, tokenId) => uisp.revokeToken(key, tokenId),
    forgetKey: async (id) => void (await keys.forget(id)),
  })
  return { audit, activity }
}

/** The request table (one slice per domain, core/handlers/) and the Core the transports see. */
function wire(options: CoreOptions, base: Base, services: Services): Core {
  const { settings, vault, hub, log } = base
  const { consoles, copier, uisp, keyActions, usage, keys, homeAssistant, finder } = services
  const registry = createConsoleRegistry({
    settings,
    hub,
    invalidate: (key) => consoles.invalidate(key),
    ...(options.probeTimeoutMs ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
  })
  const desktop = createDesktopState(hub)
  const vaultStatus = createVaultStatus(vault, hub)
  const { audit, activity } = createAudit(base, services)

  const handlers: Handlers = {
    ...consoleHandlers({ settings, registry, consoles }),
    ...discoveryHandlers(finder, hub),
    ...keyHandlers({ keys, actions: keyActions, usage }),
    ...homeAssistantHandlers({ homeAssistant, hub, keys }),
    ...uispHandlers(uisp),
    ...settingsHandlers({ settings, hub, keys, desktop, vaultStatus, logs: options.logs, version: options.version }),
    ...auditHandlers(audit, activity),
  }

  // The activity log hears every request at this one point (audit/activity-map.ts).
  const onLogError = (error: unknown) => log.warn('activity log write failed', { error })
  return {
    invoke: withActivity(createDispatch(handlers, log), activity, () => settings.listKeys(), onLogError),
    subscribe: hub.subscribe,
    subscribeAll: hub.subscribeAll,
    settings,
    vault,
    log,
    keys,
    desktop,
    close: async () => {
      // A secret still on the clipboard is cleared now, not by a timer that dies with the process
      // (release takes the pending clear synchronously, before stop() drops it).
      const clipboardCleared = copier.release()
      keyActions.stop()
      await Promise.all([clipboardCleared, consoles.close(), uisp.close(), finder.current()?.stop(), keys.stop()])
    },
  }
}
