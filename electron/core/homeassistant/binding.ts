// A stored Home Assistant is bound to the instance the user confirmed (issue 15;
// home-assistant.md §5 [inferred]: "no background calls after a network change until
// re-identified"). Before the token goes anywhere:
//   * a hold stops every call that would carry the token, background reads and the user's pushes
//     alike: `changed` (another HA or certificate answers; re-trust a certificate, or connect
//     again) or `unverifiable` (plain http and nothing to recognise HA by), until the user
//     says "It's mine — continue" (`ha.continue`);
//   * after the machine's network changed (keys/network-watch.ts signature), the identity is
//     re-checked WITHOUT the token (identity.ts) before anything else is sent.
import type { HaHold, HaSummary, HomeAssistantRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import { normalizeBaseUrl } from './client.ts'
import { HaCertificateFailure, firstContact, recheckIdentity, type AnnouncedUuid } from './identity.ts'

export const UNENCRYPTED_WARNING =
  'This Home Assistant is reached over plain http: the connection is not encrypted, so the access token and any key Keyward sends to it can be read by anyone on the network. Use https if you can.'

export function summaryOf(r: HomeAssistantRecord): HaSummary {
  const unencrypted = r.url.startsWith('http://')
  const hold = r.hold ?? null
  return {
    id: r.id,
    url: r.url,
    version: r.version,
    locationName: r.locationName,
    unencrypted,
    warning: unencrypted ? UNENCRYPTED_WARNING : null,
    certificateSha256: r.certificateSha256 ?? null,
    identity: r.identity?.kind ?? 'none',
    status: hold
      ? { state: hold.reason === 'changed' ? 'changed' : 'paused', message: hold.message, since: hold.since }
      : { state: 'ok' },
  }
}

/** The TLS options every REST and WebSocket call to this HA uses: its pin, or CA verification. */
export const tlsOf = (r: HomeAssistantRecord): { pin: string } | undefined =>
  r.certificateSha256 ? { pin: r.certificateSha256 } : undefined

/** Thrown when Keyward will not send the token; the message says why and what to do. */
export class HaHeldFailure extends KeywardFailure {
  constructor(readonly hold: HaHold) {
    super('refused', hold.message)
    this.name = 'HaHeldFailure'
  }
}

export interface BindingOptions {
  settings: Settings
  network: () => string
  announced: AnnouncedUuid
}

/** Saves a change to one stored HA and returns the record as saved. */
function patch(settings: Settings, id: string, change: Partial<HomeAssistantRecord>): HomeAssistantRecord {
  const next = settings.listHomeAssistants().map((h) => (h.id === id ? { ...h, ...change } : h))
  settings.saveHomeAssistants(next)
  return next.find((h) => h.id === id)!
}

/** Records a hold on the HA and stops the caller: nothing goes there until the user acts. */
function hold(settings: Settings, record: HomeAssistantRecord, reason: HaHold['reason'], message: string): never {
  const h: HaHold = { reason, message, since: new Date().toISOString() }
  patch(settings, record.id, { hold: h })
  throw new HaHeldFailure(h)
}

/**
 * May the token go to this HA now? The same rule for background reads (health, entries) and
 * for what the user starts (push, hand-over): never to a changed identity, never after a
 * network change that could not be checked, until the user says it is theirs.
 */
async function guard(
  { settings, network, announced }: BindingOptions,
  record: HomeAssistantRecord,
): Promise<HomeAssistantRecord> {
  // A held HA gets nothing until the user acts on the hold, whoever asks.
  if (record.hold) throw new HaHeldFailure(record.hold)
  const now = network()
  if (!record.identity) {
    // Connected before identities were recorded: bind to what answers now, on this network.
    const kind = record.certificateSha256 || record.url.startsWith('https://') ? 'certificate' : 'none'
    const source = kind === 'certificate' ? 'certificate' : null
    return patch(settings, record.id, {
      identity: { kind, uuid: null, source, network: now, confirmedAt: new Date().toISOString() },
    })
  }
  if (record.identity.network === now) return record
  const check = await recheckIdentity(
    normalizeBaseUrl(record.url),
    record.identity,
    record.certificateSha256 ?? null,
    announced,
  )
  if (check.result === 'same') {
    return patch(settings, record.id, {
      identity: { ...record.identity, network: now, confirmedAt: new Date().toISOString() },
      hold: null,
    })
  }
  if (check.result === 'changed') return hold(settings, record, 'changed', check.message)
  if (check.result === 'unreachable')
    throw new KeywardFailure('unreachable', `Home Assistant at ${record.url} did not answer: ${check.message}`)
  // Unverifiable: held for user actions too (a push right after moving to a café's Wi-Fi must not go
  // to whatever answers there); "It's mine — continue" lifts it.
  return hold(settings, record, 'unverifiable', check.message)
}

/** A pinned request found another certificate (nothing was sent): hold until the user re-trusts. */
function certificateChanged(settings: Settings, record: HomeAssistantRecord): HaHeldFailure {
  const h: HaHold = {
    reason: 'changed',
    message:
      `The certificate of Home Assistant at ${record.url} is not the one you confirmed, so Keyward sent nothing, not the token either. ` +
      'If you renewed it or reinstalled Home Assistant, compare the new fingerprint and confirm it (“It’s mine — continue”).',
    since: new Date().toISOString(),
  }
  patch(settings, record.id, { hold: h })
  return new HaHeldFailure(h)
}

/**
 * "It's mine — continue": lifts a hold the user vouches for. A changed certificate needs the
 * fingerprint the user compared (`sha256`), checked against what answers now, with no token.
 * A different uuid is not lifted here: connect again with the token (that binds anew).
 */
async function resume(
  { settings, network }: BindingOptions,
  record: HomeAssistantRecord,
  sha256: string | undefined,
): Promise<HomeAssistantRecord> {
  const base = normalizeBaseUrl(record.url)
  const now = network()
  const identity = record.identity ?? {
    kind: 'none' as const,
    uuid: null,
    source: null,
    network: now,
    confirmedAt: new Date().toISOString(),
  }
  if (base.scheme === 'https' && record.certificateSha256) {
    const contact = await firstContact(base, sha256 ?? record.certificateSha256).catch((error: unknown) => {
      if (error instanceof HaCertificateFailure && sha256 === undefined) {
        throw new HaCertificateFailure(
          'certificate-changed',
          `${error.message} To continue, confirm the fingerprint shown.`,
          error.certificate,
        )
      }
      throw error
    })
    if (
      identity.kind === 'uuid' &&
      identity.source === 'discovery-info' &&
      contact.uuid &&
      contact.uuid !== identity.uuid
    ) {
      throw new KeywardFailure(
        'refused',
        `A different Home Assistant answers at ${record.url}. Keyward sent it nothing. If you replaced Home Assistant, connect to it again with a token made there.`,
      )
    }
    return patch(settings, record.id, {
      certificateSha256: contact.certificate!.sha256.toUpperCase(),
      identity: { ...identity, network: now, confirmedAt: new Date().toISOString() },
      hold: null,
    })
  }
  if (record.hold?.reason === 'changed') {
    throw new KeywardFailure(
      'refused',
      `A different Home Assistant answers at ${record.url}, so Keyward keeps the token from it. If you replaced Home Assistant, connect to it again with a token made there.`,
    )
  }
  return patch(settings, record.id, {
    identity: { ...identity, network: now, confirmedAt: new Date().toISOString() },
    hold: null,
  })
}

export function createBinding(options: BindingOptions) {
  return {
    guard: (record: HomeAssistantRecord) => guard(options, record),
    resume: (record: HomeAssistantRecord, sha256: string | undefined) => resume(options, record, sha256),
    certificateChanged: (record: HomeAssistantRecord) => certificateChanged(options.settings, record),
  }
}

export type Binding = ReturnType<typeof createBinding>
