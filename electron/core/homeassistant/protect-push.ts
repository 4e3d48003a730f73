// A UniFi Protect key into Home Assistant's `unifiprotect` (home-assistant.md §2.2): API-key-only mode
// wherever HA offers it (2026.9+ menu), full mode (the dedicated user's password as well) only with the
// user's recorded consent, and every ≤ 2026.8 form needs that password. Where it lands (reauth,
// reconfigure, new entry) is flow-push.ts; the steps are flow-driver.ts.
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { consentRequired } from './consent.ts'
import { matchConsole, snapshotDomain } from './entries.ts'
import {
  checkConsole,
  errorContext,
  KEY_SHAPE,
  type DriveOptions,
  type FlowForm,
  type FlowMode,
} from './flow-driver.ts'
import { ConsolePush } from './flow-push.ts'
import type { FormValues } from './forms.ts'
import { HomeAssistantFailure, type HaConsoleRef, type PushResult } from './types.ts'

export interface ProtectPush {
  console: HaConsoleRef
  apiKey: string
  /**
   * A local user of the console (Keyward's dedicated user). HA ≤ 2026.8 always needs it
   * besides the key; 2026.9+ uses it only for the "full" mode (§2.2). HA stores the password
   * in plain text (§8), so it is used only with `consent` (below); without it nothing is sent.
   */
  credentials?: { username: string; password: string } | null
  /**
   * The user's recorded, informed consent to hand this password to this HA
   * (homeassistant/consent.ts). Credentials without it are refused before any request.
   */
  consent?: { grantedAt: string } | null
  /**
   * 2026.9+ menu choice. Default 'api_key': API-key-only mode (§2.2 [inferred] "prefer
   * API-key-only mode wherever HA offers it"). 'full' also sends the local user when
   * `credentials` and `consent` are given; a reconfigure without them keeps HA's stored password.
   */
  mode?: 'full' | 'api_key'
  /**
   * HA's `verify_ssl`. False by default (§2.2 DEFAULT_VERIFY_SSL): consoles present
   * self-signed certificates, and a fingerprint Keyward pinned means nothing to HA's CA
   * check. True only when the console's certificate chains to a CA HA trusts.
   */
  verifySsl?: boolean
  /** A dedicated user exists (its password could be sent with consent): names the refusal. */
  credentialsAvailable?: boolean
}

/** Values by field name: API-key-only forms are {host, api_key} (§2.2); HA assumes port 443 and verify_ssl false. */
function protectValues(req: ProtectPush, stepId: string, mode: FlowMode | null): FormValues {
  const key = { api_key: req.apiKey }
  if (mode === 'api_key' || stepId === 'reauth_api_key') return { host: req.console.host, ...key }
  const creds = req.credentials ?? null
  return {
    host: req.console.host,
    port: req.console.port,
    verify_ssl: req.verifySsl ?? false,
    ...(creds ? { username: creds.username, password: creds.password } : {}),
    ...key,
  }
}

/** Before a form goes: a password HA needs and Keyward may not send, or a port API-key-only mode cannot use. */
function checkProtectForm(
  ha: HomeAssistantClient,
  req: ProtectPush,
  form: FlowForm,
  missing: string[],
  mode: FlowMode,
): void {
  const label = consoleLabel(req.console)
  if (missing.includes('username') || missing.includes('password')) {
    if (req.credentialsAvailable && !req.credentials)
      throw consentRequired(ha.haVersion, label, `${form.step_id}: missing ${missing.join(',')}`)
    throw new HomeAssistantFailure(
      'invalid-input',
      'needs_credentials',
      `Home Assistant ${ha.haVersion ?? ''} needs a local username and password of ${label} as well as the API key (API-key-only setup arrived in Home Assistant 2026.9). Let Keyward create a dedicated local user, or update Home Assistant.`.replace(
        '  ',
        ' ',
      ),
      `${form.step_id}: missing ${missing.join(',')}`,
    )
  }
  const apiKeyForm = !form.data_schema.some((f) => f.name === 'username')
  const hasPort = form.data_schema.some((f) => f.name === 'port')
  if (form.step_id !== 'reauth_api_key' && mode === 'api_key' && apiKeyForm && !hasPort && req.console.port !== 443) {
    // API-key-only mode has no port field: HA uses 443 (§2.2).
    throw new HomeAssistantFailure(
      'invalid-input',
      'schema_mismatch',
      `Home Assistant's API-key-only setup always uses port 443, but ${label} answers on ${req.console.port}.`,
    )
  }
}

export async function pushProtectKey(ha: HomeAssistantClient, req: ProtectPush): Promise<PushResult> {
  const domain = 'unifiprotect'
  checkConsole(req.console)
  if (!KEY_SHAPE.test(req.apiKey)) throw new KeywardFailure('invalid-input', 'That does not look like a UniFi API key.')
  ha.requireAdmin()
  if (req.credentials && !req.consent) {
    // Enforced here as well as in the service: no password reaches HA without recorded consent.
    throw consentRequired(ha.haVersion, consoleLabel(req.console), 'credentials without consent')
  }
  const want: FlowMode = req.mode ?? 'api_key'
  const ctx = errorContext(ha, domain, req.console)
  const opts = (own: boolean, mode: FlowMode = want): DriveOptions => ({
    ctx,
    valuesFor: (stepId, chosen) => protectValues(req, stepId, chosen),
    want: mode,
    own,
    beforeSubmit: (form, missing) => checkProtectForm(ha, req, form, missing, mode),
  })
  const snapshot = await snapshotDomain(ha, domain)
  const match = matchConsole(req.console, snapshot)
  // API-key-only unless the caller asked for full mode (with consent for any password sent).
  return new ConsolePush({
    ha,
    domain,
    console: req.console,
    snapshot,
    match,
    opts,
    ctx,
    reconfigureModes: [want],
  }).run()
}
