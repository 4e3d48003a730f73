// Consent before a password reaches Home Assistant (issue 15, least privilege).
//
// HA 2026.9+ offers API-key-only mode for unifiprotect: the entry holds the key and no
// username or password (home-assistant.md §2.2). Full mode, and every unifiprotect form up
// to 2026.8, also needs a local user's password, which HA stores in plain text in
// `.storage/core.config_entries` (§8) and which travels over whatever scheme the HA URL
// uses. Keyward's dedicated user is a Super Admin (only Owner/Super Admin may mint keys,
// unifi-os.md §3), so that password is everything on the console (§4.2).
//
// So: API-key-only is the default wherever HA offers it; the password goes only after the
// user agreed to a sentence naming what is sent where, recorded on the key (who, what,
// when, which HA, which user). The recorded consent is bound to the HA's id and URL and to
// the user named; a different URL (e.g. http instead of https) needs a new consent.
//
// A least-privileged user for HA's full mode instead of the Super Admin: NOT offered.
// unifi-os.md §3 documents `GET /proxy/users/api/v2/roles` [source] and a user create body
// with one `role_id`, but per-app roles come only as custom roles, whose endpoints
// (`…/v2/custom_roles`, `POST …/v2/custom_role`) are [report, unattributed], and which
// rights HA's full mode needs beyond Protect is not documented. Keyward does not invent
// that; it keeps the consent and says so (docs/architecture.md "Home Assistant").
import type { HaConsent, HaPushOptions, HomeAssistantRecord, KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { HomeAssistantFailure } from './types.ts'

/** "2026.9.1" → 202609; null when it is not an HA release number. */
function releaseOf(version: string | null): number | null {
  const m = /^(\d{4})\.(\d{1,2})(?!\d)/.exec(version ?? '')
  const month = Number(m?.[2])
  return m && month >= 1 && month <= 12 ? Number(m[1]) * 100 + month : null
}

/**
 * HA 2026.9+ offers API-key-only mode (§2.1 PR #176410). An unknown version is treated as
 * not offering it: its form may require the password, so consent is asked for, not assumed.
 */
export function offersApiKeyOnly(haVersion: string | null): boolean {
  const release = releaseOf(haVersion)
  return release !== null && release >= 202609
}

/** §2.2: at 2026.9 API-key-only loads alarm_control_panel, camera, light; switch and select followed. */
export const FULL_MODE_ADDS =
  'Full mode adds the entity platforms API-key-only mode does not load yet: in Home Assistant 2026.9 API-key-only mode gives cameras, lights and the alarm panel (switches and selects came in later releases, binary sensors were pending); full mode also signs in with a local user and loads every platform of the integration.'

export const FULL_MODE_COSTS =
  'It costs a password: Home Assistant stores the dedicated user’s password in plain text in its configuration, and that user is a Super Admin of the console.'

/** The words the user agrees to: what is sent, where, how, and how it is kept. */
export function consentSentence(input: { username: string; consoleLabel: string; haUrl: string }): string {
  const scheme = input.haUrl.toLowerCase().startsWith('https:') ? 'https' : 'http'
  const over = scheme === 'https' ? 'over https' : 'over plain http (anyone on the network path can read it)'
  return (
    `Send the password of “${input.username}”, the dedicated local user of ${input.consoleLabel} (a Super Admin there), ` +
    `to Home Assistant at ${input.haUrl} ${over}; Home Assistant stores it in plain text in its configuration (.storage/core.config_entries).`
  )
}

/** The consent on record for this key and HA, if it still applies (same HA, same URL, same user). */
export function findConsent(key: KeyRecord, ha: HomeAssistantRecord): HaConsent | null {
  return (
    (key.haConsents ?? []).find((c) => c.haId === ha.id && c.haUrl === ha.url && c.username === key.username) ?? null
  )
}

export function pushOptions(key: KeyRecord, ha: HomeAssistantRecord, consoleLabel: string): HaPushOptions {
  const apiKeyOnly = offersApiKeyOnly(ha.version)
  const dedicated = key.passwordRef !== null
  const consent = findConsent(key, ha)
  return {
    haId: ha.id,
    haVersion: ha.version,
    apiKeyOnlyAvailable: apiKeyOnly,
    defaultMode: apiKeyOnly ? 'api_key' : 'full',
    fullModeAdds: FULL_MODE_ADDS,
    fullModeCosts: FULL_MODE_COSTS,
    consentSentence: dedicated ? consentSentence({ username: key.username, consoleLabel, haUrl: ha.url }) : null,
    consent,
    needsConsent: {
      // ≤ 2026.8 has no API-key-only mode: its form requires the password (§2.2).
      api_key: apiKeyOnly ? false : null,
      full: dedicated ? consent === null : null,
    },
  }
}

/** Records consent after checking the user saw exactly the sentence Keyward would show now. */
export function recordConsent(
  key: KeyRecord,
  ha: HomeAssistantRecord,
  consoleLabel: string,
  shown: string,
  now: Date,
): KeyRecord {
  if (key.app !== 'protect')
    throw new KeywardFailure('refused', 'Only UniFi Protect in Home Assistant asks for a password besides the key.')
  if (!key.passwordRef)
    throw new KeywardFailure(
      'refused',
      'This key has no dedicated local user, so there is no password to send: Keyward made it as the signed-in admin, whose password it never kept.',
    )
  const sentence = consentSentence({ username: key.username, consoleLabel, haUrl: ha.url })
  if (shown !== sentence) {
    throw new KeywardFailure(
      'invalid-input',
      'What you agreed to is not what Keyward would send now (the Home Assistant address or the user changed). Read it again and agree to the current text.',
    )
  }
  const consent: HaConsent = {
    haId: ha.id,
    haUrl: ha.url,
    haVersion: ha.version,
    username: key.username,
    sentence,
    grantedAt: now.toISOString(),
    by: 'user',
    fullModeInUse: false,
  }
  const others = (key.haConsents ?? []).filter((c) => c.haId !== ha.id)
  return { ...key, haConsents: [...others, consent] }
}

/** After a push: whether full mode is now in use at that HA (a rotation keeps the mode). */
export function noteMode(key: KeyRecord, haId: string, mode: 'full' | 'api_key' | null): KeyRecord {
  if (!key.haConsents?.some((c) => c.haId === haId)) return key
  return {
    ...key,
    haConsents: key.haConsents.map((c) => (c.haId === haId ? { ...c, fullModeInUse: mode === 'full' } : c)),
  }
}

/** The flows' own guard: a password HA would need, and no consent on record (nothing is sent). */
export function consentRequired(haVersion: string | null, consoleLabel: string, detail: string): HomeAssistantFailure {
  return new HomeAssistantFailure(
    'refused',
    'consent_required',
    `Home Assistant ${haVersion ?? ''} would need the password of the dedicated local user of ${consoleLabel}, and you have not agreed to send it. Nothing was sent. Agree to it in Keyward (it says what is sent where), use Home Assistant 2026.9 or later with API-key-only mode, or use "Copy fields".`.replace(
      '  ',
      ' ',
    ),
    detail,
  )
}

/** What a Protect push to this HA may send: its mode, and whether the dedicated user's password goes along. */
export interface ProtectPlan {
  mode: 'full' | 'api_key'
  /** The consent that lets the password go; null when the push sends the key alone. */
  consent: HaConsent | null
}

/**
 * API-key-only by default where HA offers it; the dedicated user's password only with the user's
 * recorded consent, refused before any flow request otherwise. A rotation (`requested` undefined)
 * keeps the mode the last push set up (full only where the consent says it is in use).
 */
export function planProtectPush(
  key: KeyRecord,
  ha: HomeAssistantRecord,
  haVersion: string | null,
  requested: 'full' | 'api_key' | undefined,
  consoleLabel: string,
): ProtectPlan {
  const consent = findConsent(key, ha)
  const mode = requested ?? (consent?.fullModeInUse ? 'full' : 'api_key')
  const needsPassword = mode === 'full' || !offersApiKeyOnly(haVersion)
  if (!needsPassword) return { mode, consent: null }
  const version = haVersion ?? 'of unknown version'
  if (!key.passwordRef) {
    throw new HomeAssistantFailure(
      'invalid-input',
      'needs_credentials',
      mode === 'full'
        ? 'Full mode needs a local user’s password, and this key was made as the signed-in admin, whose password Keyward never keeps. Use API-key-only mode.'
        : `Home Assistant ${version} needs a local username and password besides the key, and this key has no dedicated user. Update Home Assistant to 2026.9 or later (API-key-only mode), or use "Copy fields".`,
    )
  }
  if (!consent) {
    throw new HomeAssistantFailure(
      'refused',
      'consent_required',
      `${mode === 'full' ? 'Full mode' : `Home Assistant ${version}`} needs the password of “${key.username}”, the dedicated local user of ${consoleLabel}, and you have not agreed to send it to ${ha.url}. Nothing was sent.` +
        (offersApiKeyOnly(haVersion)
          ? ' Use API-key-only mode, or agree to send it first.'
          : ' Agree to send it first, or update Home Assistant to 2026.9 or later for API-key-only mode.'),
    )
  }
  return { mode, consent }
}
