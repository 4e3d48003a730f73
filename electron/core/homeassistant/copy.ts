// The clipboard path: exactly which HA fields to fill by hand, in HA's order,
// for when Keyward has no admin token or the user prefers to click through HA.
// Field names and defaults: home-assistant.md §2.2 (unifiprotect ≤2026.8 form,
// 2026.9 menu `full`/`api_key`), §3 (unifi_access core/HACS, unifi). Field
// labels are HA's usual wording [inferred]: the reference quotes help texts only.
// My links cannot prefill fields (§4); the instance link is [inferred] (§4).
import type { UnifiApp } from '../../../shared/domain.ts'
import type { HaConsoleRef, HaDomain } from './types.ts'
import { normalizeBaseUrl } from './client.ts'

export interface CopyField {
  /** HA's field name in the form (`api_key`, `host`, …). */
  field: string
  label: string
  value: string
  /** Copy it, never show it (key, token, password). */
  secret: boolean
  note?: string
}

export interface CopyFieldsPlan {
  domain: HaDomain
  /** False for UniFi Network: HA has no place for a key there. */
  applicable: boolean
  /** What to click, in order, before filling the fields. */
  steps: string[]
  fields: CopyField[]
  /** Opens "Add integration" for the domain: on the user's HA when its URL is known. */
  link: string
  message: string
}

export interface CopyFieldsRequest {
  app: UnifiApp
  console: HaConsoleRef
  /** The key (Protect) or Access token; omitted → the field says where it is. */
  secret?: string | null
  credentials?: { username: string; password: string } | null
  haVersion?: string | null
  haUrl?: string | null
  mode?: 'auto' | 'full' | 'api_key'
  verifySsl?: boolean
}

const DOMAIN: Record<UnifiApp, HaDomain> = { protect: 'unifiprotect', access: 'unifi_access', network: 'unifi' }

/** True from HA 2026.9 on (menu with API-key-only mode, §2.1); unknown versions count as new. */
export function hasProtectMenu(haVersion: string | null | undefined): boolean {
  const m = /^(\d{4})\.(\d{1,2})/.exec(haVersion ?? '')
  if (!m) return true
  return Number(m[1]) * 100 + Number(m[2]) >= 202609
}

function addLink(domain: HaDomain, haUrl: string | null | undefined): string {
  if (haUrl) {
    try {
      return `${normalizeBaseUrl(haUrl).origin}/_my_redirect/config_flow_start?domain=${domain}`
    } catch {
      // fall through to the public My link
    }
  }
  return `https://my.home-assistant.io/redirect/config_flow_start/?domain=${domain}`
}

export function copyFields(req: CopyFieldsRequest): CopyFieldsPlan {
  const domain = DOMAIN[req.app]
  const link = addLink(domain, req.haUrl)
  const secretValue = req.secret ?? ''
  const verify = req.verifySsl ?? false
  const host: CopyField = {
    field: 'host',
    label: 'Host',
    value: req.console.host,
    secret: false,
    note: 'Only the address: no https://, no port, no path.',
  }
  /** The console's port and whether HA checks its certificate: the same two fields in both UniFi forms. */
  const portAndTls: CopyField[] = [
    { field: 'port', label: 'Port', value: String(req.console.port), secret: false },
    {
      field: 'verify_ssl',
      label: 'Verify SSL certificate',
      value: verify ? 'on' : 'off',
      secret: false,
      note: 'Off for a console with its own self-signed certificate.',
    },
  ]

  if (req.app === 'network') {
    // API-key mode (home-assistant.md §3.2): menu "API key" → {host, api_key, port, verify_ssl}; HA
    // versions without it (detected by the menu: ha.fit) sign in only with a username and password.
    return {
      domain,
      applicable: true,
      steps: [
        'Settings → Devices & services → Add integration → UniFi Network.',
        'Choose "API key" (Home Assistant 2026.10 or later).',
      ],
      fields: [
        host,
        {
          field: 'api_key',
          label: 'API key',
          value: secretValue,
          secret: true,
          note: `Made on ${req.console.name ?? req.console.host}: a key works only on the console that made it.`,
        },
        ...portAndTls,
      ],
      link,
      message:
        'If Home Assistant offers no "API key" choice, it is older than its UniFi Network API-key mode and cannot take this key: it signs in only with a local username and password.',
    }
  }

  if (req.app === 'access') {
    return {
      domain,
      applicable: true,
      steps: ['Settings → Devices & services → Add integration → UniFi Access.'],
      fields: [
        host,
        {
          field: 'api_token',
          label: 'API token',
          value: secretValue,
          secret: true,
          note: 'A UniFi Access API token, not a console API key.',
        },
        { field: 'verify_ssl', label: 'Verify SSL certificate', value: verify ? 'on' : 'off', secret: false },
      ],
      link,
      message:
        'Fill these fields in the UniFi Access setup form. The HACS version also shows "use polling": leave it off.',
    }
  }

  const creds = req.credentials ?? null
  const menu = hasProtectMenu(req.haVersion)
  // Least privilege (home-assistant.md §2.2 [inferred]): where HA offers API-key-only mode the plan is that
  // one, with no password to type; the full setup only when asked for (or when HA ≤ 2026.8 needs it).
  const mode = (req.mode ?? 'auto') === 'auto' ? (menu ? 'api_key' : 'full') : req.mode!
  const keyField: CopyField = {
    field: 'api_key',
    label: 'API key',
    value: secretValue,
    secret: true,
    note: `Made on ${req.console.name ?? req.console.host}: a key works only on the console that made it.`,
  }
  const steps = ['Settings → Devices & services → Add integration → UniFi Protect.']
  if (menu)
    steps.push(
      mode === 'api_key'
        ? 'Choose "API key only (limited feature set)".'
        : 'Choose the full setup (username, password and API key).',
    )
  if (mode === 'api_key' && menu) {
    return {
      domain,
      applicable: true,
      steps,
      fields: [host, keyField],
      link,
      message: `API-key-only mode always connects on port 443${req.console.port !== 443 ? ` (this console answers on ${req.console.port}: use the full setup instead)` : ''}.`,
    }
  }
  return {
    domain,
    applicable: true,
    steps,
    fields: [
      host,
      ...portAndTls,
      {
        field: 'username',
        label: 'Username',
        value: creds?.username ?? '',
        secret: false,
        note: 'A local user of the console, not a Ubiquiti cloud account.',
      },
      { field: 'password', label: 'Password', value: creds?.password ?? '', secret: true },
      keyField,
    ],
    link,
    message: menu
      ? 'Fill these fields in the full UniFi Protect setup form.'
      : 'Home Assistant before 2026.9 needs the username and password as well as the key.',
  }
}
