// What `npm run demo` tells a visitor (scripts/demo.ts prints it): where to open
// Keyward and every sign-in the simulated lab accepts, including how to get a
// two-factor code. Pure: built from the lab's description, which demo-host.ts
// reads inside the lab and hands out on its ready line. The values are the
// simulators' seeded accounts (tests/simulators/*), nobody's real secrets.
import type { LabDescription } from '../tests/lab/types.ts'
import { HA_INSTANCE, demoScenario, labHaUrls } from '../tests/lab/scenarios.ts'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  createConsoleConfig,
  type PresetName,
} from '../tests/simulators/console/presets.ts'
import { ADMIN_TOKEN } from '../tests/simulators/home-assistant/state.ts'
import { UISP_ADMIN, UISP_OPERATOR, UISP_TOTP_SECRET } from '../tests/simulators/uisp/state.ts'
import { totp } from '../tests/simulators/uisp/totp.ts'

/** demo-host.ts's ready line: the page's address and the lab around it. */
export interface DemoReady {
  url: string
  lab: Pick<LabDescription, 'hosts' | 'consoles'>
}

const APP_NAMES: Record<string, string> = { network: 'Network', protect: 'Protect', access: 'Access' }

/** The apps a demo console runs: its preset's, or the `apps=` knob demoScenario sets (Access on the UDM Pro). */
function demoApps(host: string, preset: string): string[] {
  const knob = demoScenario.consoles.find((c) => c.host === host)?.set?.find((s) => s.startsWith('apps='))
  const apps = knob
    ? (JSON.parse(knob.slice('apps='.length)) as string[])
    : createConsoleConfig(preset as PresetName).apps
  return apps.map((a) => APP_NAMES[a] ?? a)
}

/** The UISP administrator's current two-factor code and how long it stays valid. */
export function uispCode(now = Date.now()): { code: string; secondsLeft: number } {
  return { code: totp(UISP_TOTP_SECRET, now), secondsLeft: 30 - (Math.floor(now / 1000) % 30) }
}

/** The lines `npm run demo` prints once the page can be opened. */
export function demoGuide(ready: DemoReady): string[] {
  const { hosts, consoles } = ready.lab
  const twoFactor = consoles.filter((c) => createConsoleConfig(c.preset as PresetName).accounts.some((a) => a.mfa))
  const uisp = hosts.uisp?.ip
  const ha = hosts.ha ? labHaUrls(hosts.ha.ip).url : null
  return [
    `Open Keyward:  ${ready.url}`,
    'Demo: a simulated lab on this computer; discovery, consoles, UISP and Home Assistant are all simulated, nothing leaves this computer.',
    '',
    'UniFi consoles (discovery finds them):',
    ...consoles.map((c) => `  ${c.name.padEnd(18)} ${c.ip.padEnd(11)} ${demoApps(c.host, c.preset).join(', ')}`),
    `  Sign in as:        ${OWNER_USERNAME}  password: ${OWNER_PASSWORD}  (the owner, no two-factor code)`,
    `  With two-factor:   ${CLOUD_USERNAME}  password: ${CLOUD_PASSWORD}  two-factor code: ${CLOUD_MFA_CODE}` +
      `  (on ${twoFactor.map((c) => c.name).join(' and ')})`,
    '',
    `UISP server:       https://${uisp ?? '?'}  (discovery's subnet search finds it)`,
    `  Administrator:   ${UISP_ADMIN.username}  password: ${UISP_ADMIN.password}  with two-factor`,
    `  Two-factor:      authenticator secret ${UISP_TOTP_SECRET}; the current code: npm run demo -- --code`,
    `  Without 2FA:     ${UISP_OPERATOR.username}  password: ${UISP_OPERATOR.password}`,
    '',
    `Home Assistant:    ${ha ?? '?'}  ("${HA_INSTANCE.name}")`,
    `  Access token:    ${ADMIN_TOKEN}`,
    '',
    'Ctrl-C stops the demo and removes the lab.',
  ]
}
