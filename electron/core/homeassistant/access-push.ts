// A UniFi Access API token into Home Assistant's `unifi_access` (home-assistant.md §3.3): the core
// integration (2026.4+) and the HACS one share the domain and the field names; only HACS has
// `use_polling`. Where it lands is flow-push.ts; the steps are flow-driver.ts.
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { matchConsole, snapshotDomain } from './entries.ts'
import { checkConsole, errorContext, KEY_SHAPE, type DriveOptions, type FlowForm } from './flow-driver.ts'
import { ConsolePush } from './flow-push.ts'
import type { FormValues } from './forms.ts'
import { HomeAssistantFailure, type HaConsoleRef, type PushResult } from './types.ts'

export interface AccessPush {
  console: HaConsoleRef
  /** A UniFi Access API token (not a console key, §3). */
  token: string
  verifySsl?: boolean
}

export async function pushAccessToken(ha: HomeAssistantClient, req: AccessPush): Promise<PushResult> {
  const domain = 'unifi_access'
  checkConsole(req.console)
  if (!KEY_SHAPE.test(req.token))
    throw new KeywardFailure('invalid-input', 'That does not look like a UniFi Access API token.')
  ha.requireAdmin()
  const ctx = errorContext(ha, domain, req.console)
  let variant: 'core' | 'custom' | undefined
  // Core (2026.4+) and HACS imhotep/hass-unifi-access share the domain and the names
  // host / api_token / verify_ssl; only HACS has `use_polling` (§3, [inferred] detection).
  const onForm = (form: FlowForm) => {
    const names = form.data_schema.map((f) => f.name)
    if (names.includes('use_polling')) variant = 'custom'
    else if (names.includes('host')) variant ??= 'core'
  }
  const valuesFor = (): FormValues => ({
    host: req.console.host,
    api_token: req.token,
    verify_ssl: req.verifySsl ?? false,
  })
  const opts = (own: boolean): DriveOptions => ({ ctx, valuesFor, want: 'full', own, onForm })
  const snapshot = await snapshotDomain(ha, domain, { devices: false })
  const match = matchConsole(req.console, snapshot)
  try {
    const extra = () => (variant ? { accessVariant: variant } : {})
    return await new ConsolePush({ ha, domain, console: req.console, snapshot, match, opts, ctx, extra }).run()
  } catch (error) {
    if (error instanceof HomeAssistantFailure && error.detail?.endsWith('unknown_step')) {
      throw new HomeAssistantFailure(
        'refused',
        'needs_ui',
        `The UniFi Access integration in this Home Assistant${variant === 'custom' ? ' (the HACS one)' : ''} cannot be reconfigured from outside. In Home Assistant, delete its entry for ${consoleLabel(req.console)} and push the token again, or use "Copy fields".`,
        error.detail,
      )
    }
    throw error
  }
}
