// What the wizard shows before anything is made: which known console really runs an app (from
// the probes and the camera counts read at sign-in, hosts.ts) and the plan of a key flow, with
// the warning when a connected Home Assistant will refuse this Protect (home-assistant.md §2.1).
import type { ConsoleRecord, HomeAssistantRecord, HostAdvice, ProvisionPlan, UnifiApp } from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import { possibleConsumers, protectWarning } from '../homeassistant/requirements.ts'
import { explainPick, rankHosts } from './hosts.ts'
import { suggestKeyName, suggestUsername } from './provision.ts'

const ROLE_WHY =
  'UniFi OS lets only Owner and Super Admin accounts create API keys, and a key carries the rights of the user who made it. A dedicated local-only user keeps the key apart from your own account: delete that user and every key it made stops working, without touching your login.'

/** The known consoles ranked for `app`, and why `picked` is the wrong one when it is. */
export function hostAdvice(
  app: UnifiApp,
  consoles: ConsoleRecord[],
  cameraCounts: Readonly<Record<string, number>>,
  picked?: string,
): HostAdvice {
  const ranked = rankHosts(app, consoles, cameraCounts).ranked.map(({ console: c, reason }) => ({
    key: c.key,
    name: c.name,
    host: c.host,
    model: c.model,
    reason,
    ...(cameraCounts[c.key] !== undefined ? { cameras: cameraCounts[c.key] } : {}),
  }))
  const pickedRecord = picked ? consoles.find((c) => c.key === picked) : undefined
  return {
    app,
    ranked,
    pickedWarning: pickedRecord ? explainPick(app, pickedRecord, consoles, cameraCounts) : null,
  }
}

/** The plan of a key flow for `app` on `c`; `protectVersion` as read at the last sign-in. */
export function provisionPlan(
  c: ConsoleRecord,
  app: UnifiApp,
  protectVersion: string | null,
  homeAssistants: HomeAssistantRecord[],
): ProvisionPlan {
  const label = consoleLabel(c)
  const warning = app === 'protect' ? protectWarning(protectVersion, label, possibleConsumers(homeAssistants)) : null
  return {
    key: c.key,
    app,
    mode: 'dedicated-user',
    username: suggestUsername(app),
    keyName: suggestKeyName(app),
    role: { name: 'Super Admin', why: ROLE_WHY },
    secretLocation: `The new user's password and the ${app === 'access' ? 'Access token' : 'API key'} go to this computer's keychain; ${label} keeps only its own copy.`,
    ...(app === 'access' ? { accessValidityDays: 365 } : {}),
    warning,
  }
}
