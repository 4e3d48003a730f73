// HA form errors and flow aborts → specific failures with sentences a
// home-lab user understands. Keys come from home-assistant.md:
//   unifiprotect §2.3/§2.4: invalid_auth (on `password` or `api_key`), cannot_connect,
//     protect_version, cloud_user; aborts already_configured, discovery_started,
//     reauth_successful, reconfigure_successful, wrong_nvr.
//   unifi_access §3: core invalid_auth, cannot_connect, unknown, protect_api_key;
//     HACS invalid_api_key, cannot_connect, ssl_error, unknown; abort already_configured.
//   unifi §3: faulty_credentials, service_unavailable; aborts already_configured,
//     configuration_updated, reauth_successful.
//   Core aborts (§1.2): single_instance_allowed; already_in_progress [inferred: HA's
//     standard abort for a second flow with the same unique id].
import { APP_NAMES } from '../../../shared/labels.ts'
import type { ErrorCode } from '../../../shared/result.ts'
import { HomeAssistantFailure, type HaDomain, type HaProblem } from './types.ts'
import { minimumProtectFor } from './requirements.ts'

export interface ErrorContext {
  domain: HaDomain | string
  /** "NVR (192.168.1.10)" */
  consoleLabel: string
  host: string
  port: number
  haVersion: string | null
  /** unifiprotect 2026.9+ API-key-only mode: no username/password involved. */
  apiKeyOnly?: boolean
}

export const APP_LABEL: Record<string, string> = {
  unifiprotect: APP_NAMES.protect,
  unifi_access: APP_NAMES.access,
  unifi: APP_NAMES.network,
}

/** Minimum Protect version HA needs (§2.1); the table lives in requirements.ts. */
export const minimumProtectVersion = minimumProtectFor

/** Sentences for an error key or abort reason the reference does not list (the code goes in the details). */
export const UNKNOWN_FORM_ERROR = (app: string) =>
  `Home Assistant's ${app} setup refused the details for a reason Keyward does not know. Open Settings → Devices & services in Home Assistant to finish it there, or use "Copy fields"; the code Home Assistant gave is in the details.`
export const UNKNOWN_ABORT = (app: string) =>
  `Home Assistant stopped the ${app} setup for a reason Keyward does not know. Home Assistant's log (Settings → System → Logs) may say more; the code it gave is in the details.`

interface Mapped {
  code: ErrorCode
  problem: HaProblem
  message: string
}

/** Sentence and code for one HA form error key on one field. */
export function describeFormError(field: string, key: string, ctx: ErrorContext): Mapped {
  const app = APP_LABEL[ctx.domain] ?? ctx.domain
  const at = ctx.consoleLabel
  switch (key) {
    case 'invalid_auth':
      if (ctx.domain === 'unifi_access') {
        return {
          code: 'invalid-credentials',
          problem: 'key_rejected',
          message: `Home Assistant reached UniFi Access on ${at}, but it refused the API token: it was revoked, expired, or made on another console. Make a new Access token (Access → Settings → API Token) on ${at}.`,
        }
      }
      if (field === 'api_key' || ctx.apiKeyOnly) {
        return {
          code: 'invalid-credentials',
          problem: 'key_rejected',
          message: ctx.apiKeyOnly
            ? `Home Assistant reached ${at}, but UniFi Protect there refused the API key. A key works only on the console that made it: this one was probably made on another console, or it was revoked. Make the key on ${at}.`
            : `Home Assistant signed in to ${at}, but UniFi Protect there refused the API key. A key works only on the console that made it: this one was probably made on another console (the "Invalid authentication" trap), or it was revoked. Make the key on ${at}.`,
        }
      }
      return {
        code: 'invalid-credentials',
        problem: 'credentials_rejected',
        message: `Home Assistant could not sign in to ${at} with the username and password: HA needs a local user of that console (not a Ubiquiti cloud account), and the password must be current.`,
      }
    case 'cannot_connect':
      return {
        code: 'unreachable',
        problem: 'cannot_connect',
        message: `Home Assistant could not connect to ${app} at ${ctx.host}${ctx.domain === 'unifi_access' ? '' : `:${ctx.port}`}. HA must reach the console itself: check that HA is on a network that can reach ${ctx.host}, and that ${app} is installed and running there.`,
      }
    case 'protect_version': {
      const min = minimumProtectVersion(ctx.haVersion)
      return {
        code: 'refused',
        problem: 'protect_too_old',
        message: `UniFi Protect on ${at} is too old for Home Assistant${ctx.haVersion ? ` ${ctx.haVersion}` : ''}${min ? `, which needs ${min} or later` : ''}. Update Protect (UniFi OS → Settings → Updates), then push the key again.`,
      }
    }
    case 'cloud_user':
      return {
        code: 'invalid-credentials',
        problem: 'cloud_user',
        message: `Home Assistant refuses Ubiquiti cloud accounts. Use a local user of ${at} (Admins & Users → "Restrict to local access only").`,
      }
    case 'protect_api_key':
      return {
        code: 'invalid-credentials',
        problem: 'token_wrong_type',
        message: `This is a UniFi Protect / console API key, not a UniFi Access token. Access needs its own token: UniFi Access → Settings → Advanced → API Token on ${at}.`,
      }
    case 'invalid_api_key':
      return {
        code: 'invalid-credentials',
        problem: 'token_wrong_type',
        message: `The UniFi Access integration refused the token. It is most likely a Protect or console key instead of an Access API token (Access → Settings → API Token, with all permissions), or it was revoked.`,
      }
    case 'ssl_error':
      return {
        code: 'tls',
        problem: 'tls',
        message: `Home Assistant could not complete a TLS connection to ${at}. Leave "Verify SSL" off for a console with its own self-signed certificate.`,
      }
    case 'faulty_credentials':
      return {
        code: 'invalid-credentials',
        problem: 'credentials_rejected',
        message: `Home Assistant could not sign in to UniFi Network on ${at} with that username and password.`,
      }
    case 'service_unavailable':
      return {
        code: 'unreachable',
        problem: 'cannot_connect',
        message: `UniFi Network on ${at} is not available to Home Assistant right now.`,
      }
    case 'unknown':
      return {
        code: 'refused',
        problem: 'unknown_error',
        message: `${app} in Home Assistant failed with an unexpected error while checking ${at}. Home Assistant's log (Settings → System → Logs) has the details.`,
      }
    default: // A key the reference does not list: its raw code only in the details (formErrorsFailure).
      return { code: 'refused', problem: 'unknown_error', message: UNKNOWN_FORM_ERROR(app) }
  }
}

/** The most telling error of a form's `errors` dict, as a failure. */
export function formErrorsFailure(errors: Record<string, string>, ctx: ErrorContext): HomeAssistantFailure {
  const entries = Object.entries(errors).filter(([, v]) => typeof v === 'string')
  // api_key before password: unifiprotect only checks the key after the login worked (§2.3).
  const order = ['api_key', 'api_token', 'password', 'base']
  entries.sort(
    ([a], [b]) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)),
  )
  const [field, key] = entries[0] ?? ['base', 'unknown']
  const mapped = describeFormError(field, key, ctx)
  return new HomeAssistantFailure(
    mapped.code,
    mapped.problem,
    mapped.message,
    `${ctx.domain} form error ${field}=${key}`.slice(0, 200),
    field,
  )
}

export type AbortMeaning =
  { ok: true; outcome: 'reconfigured' | 'reauthenticated' } | { ok: false; failure: HomeAssistantFailure }

/** What an `abort` result means. */
export function describeAbort(reason: string, ctx: ErrorContext): AbortMeaning {
  const app = APP_LABEL[ctx.domain] ?? ctx.domain
  const at = ctx.consoleLabel
  const fail = (code: ErrorCode, problem: HaProblem, message: string): AbortMeaning => ({
    ok: false,
    failure: new HomeAssistantFailure(code, problem, message, `${ctx.domain} abort ${reason}`.slice(0, 200)),
  })
  switch (reason) {
    case 'reconfigure_successful':
    case 'configuration_updated':
      return { ok: true, outcome: 'reconfigured' }
    case 'reauth_successful':
      return { ok: true, outcome: 'reauthenticated' }
    case 'already_configured':
      return fail(
        'conflict',
        'already_configured',
        `Home Assistant already has ${app} set up for ${at}, and Keyward could not tell which entry it is. Open it in Settings → Devices & services → ${app} and choose Reconfigure, or use "Copy fields".`,
      )
    case 'wrong_nvr':
      // Keyward never advises removing it: the entry may belong to another console that still works (§1.6).
      return fail(
        'conflict',
        'wrong_nvr',
        `Home Assistant's ${app} entry belongs to a different console than ${at}, so Keyward left it as it is. Add this console as its own entry in Home Assistant (Settings → Devices & services), or push the key again.`,
      )
    case 'discovery_started':
      return fail(
        'refused',
        'needs_ui',
        `Home Assistant is already discovering ${app} consoles. Wait a minute and push again, or finish the discovered entry in Settings → Devices & services.`,
      )
    case 'already_in_progress':
      return fail(
        'conflict',
        'needs_ui',
        `Home Assistant already has a ${app} setup in progress for ${at}. Finish or cancel it in Settings → Devices & services, then push again.`,
      )
    case 'single_instance_allowed':
      return fail(
        'conflict',
        'already_configured',
        `Home Assistant allows only one ${app} entry, and it already has one.`,
      )
    case 'cannot_connect':
      return fail('unreachable', 'cannot_connect', `Home Assistant could not connect to ${at}.`)
    default:
      // The raw reason goes only into the details (fail() above).
      return fail('refused', 'needs_ui', UNKNOWN_ABORT(app))
  }
}

/** Every error and abort key the reference lists, for tests and docs. */
export const KNOWN_FORM_ERRORS: Record<string, string[]> = {
  unifiprotect: ['invalid_auth', 'cannot_connect', 'protect_version', 'cloud_user'],
  unifi_access: ['invalid_auth', 'cannot_connect', 'unknown', 'protect_api_key', 'invalid_api_key', 'ssl_error'],
  unifi: ['faulty_credentials', 'service_unavailable'],
}
export const KNOWN_ABORTS: Record<string, string[]> = {
  unifiprotect: ['already_configured', 'discovery_started', 'reauth_successful', 'reconfigure_successful', 'wrong_nvr'],
  unifi_access: ['already_configured', 'reauth_successful', 'reconfigure_successful'],
  unifi: ['already_configured', 'configuration_updated', 'reauth_successful'],
  homeassistant: ['single_instance_allowed', 'already_in_progress'],
}
