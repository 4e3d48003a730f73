// console.*, hosts.forApp and provision.*: the UniFi console requests, forwarded to the
// console registry (probe, trust, forget) and the console service (sessions, key flows).
import type { ConsoleRegistry } from '../console/registry.ts'
import type { Handlers } from '../dispatch.ts'
import type { Settings } from '../settings/settings.ts'
import type { createConsoleService } from '../unifi/service.ts'
import { cleanupOutcomeView, provisionOutcomeView, provisionView } from '../views.ts'

type ConsoleService = ReturnType<typeof createConsoleService>

type ConsoleRequests =
  | 'console.probe'
  | 'console.trust'
  | 'console.trustAccess'
  | 'console.forget'
  | 'console.list'
  | 'console.signIn'
  | 'console.signOut'
  | 'hosts.forApp'
  | 'provision.plan'
  | 'provision.run'
  | 'provision.resume'
  | 'provision.list'
  | 'provision.cleanup'

export function consoleHandlers(deps: {
  settings: Settings
  registry: ConsoleRegistry
  consoles: ConsoleService
}): Pick<Handlers, ConsoleRequests> {
  const { settings, registry, consoles } = deps
  return {
    'console.probe': ({ address }) => registry.probe(address),
    'console.trust': ({ key, sha256 }) => registry.trust(key, sha256),
    'console.trustAccess': ({ key, sha256 }) => registry.trustAccess(key, sha256),
    'console.forget': ({ key }) => registry.forget(key),
    'console.list': () => settings.listConsoles(),
    'console.signIn': (input) => consoles.signIn(input),
    'console.signOut': ({ key }) => consoles.signOut(key),
    'hosts.forApp': ({ app, picked }) => consoles.hostsFor(app, picked),
    'provision.plan': ({ key, app }) => consoles.plan(key, app),
    // Key flows cross as views: no keychain entry names, no journal internals (views.ts).
    'provision.run': async (input) => provisionOutcomeView(await consoles.provision(input)),
    'provision.resume': async ({ id }) => provisionOutcomeView(await consoles.resume(id)),
    'provision.list': () => consoles.list().map(provisionView),
    'provision.cleanup': async ({ id }) => cleanupOutcomeView(await consoles.cleanup(id)),
  }
}
