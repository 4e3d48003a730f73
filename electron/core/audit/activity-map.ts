// Which requests are things Keyward did, and what the activity log says of them (issue 18). Hooked once,
// around the dispatch every transport goes through (index.ts), instead of an edit at every place:
// a request's name, its validated input and its outcome are all it reads. Only named fields of the input
// are read (an address, an id, the user's chosen words), never a password or a key.
import type { NewActivity } from './activity.ts'
import type { Outcome } from '../../../shared/result.ts'

type Input = Record<string, unknown>
type Value = Record<string, unknown>
type Mapper = (input: Input, value: Value | null) => NewActivity[]

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const obj = (v: unknown): Value | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Value) : null

const one =
  (
    action: NewActivity['action'],
    subject: (i: Input, v: Value | null) => string,
    host: (i: Input, v: Value | null) => string | null,
  ) =>
  (input: Input, value: Value | null): NewActivity[] => [
    { action, outcome: 'ok', subject: subject(input, value), hostKey: host(input, value) },
  ]

/** provision.run / resume: the flow's steps that finished, from its journal (ProvisionOutcomeView.record). */
const provisionSteps: Mapper = (input, value) => {
  const record = obj(value?.record)
  if (!record) return [{ action: 'minted', outcome: 'ok', subject: 'a key flow', hostKey: text(input.key) }]
  const steps = obj(record.steps) ?? {}
  const hostKey = text(record.consoleKey)
  const keyName = text(record.keyName) ?? ''
  const username = text(record.username) ?? ''
  const words = text(input.mode) ? `mode ${text(input.mode)}, user ${username}, key ${keyName}` : null
  const out: NewActivity[] = []
  if (record.mode === 'dedicated-user' && steps.user === 'done' && record.userId)
    out.push({ action: 'created-user', outcome: 'ok', subject: `the local Super Admin ${username}`, hostKey, words })
  if (steps.key === 'done')
    out.push({ action: 'minted', outcome: 'ok', subject: `the key “${keyName}”`, hostKey, words })
  if (steps.verify === 'done' || steps.verify === 'failed')
    out.push({
      action: 'verified',
      outcome: steps.verify === 'done' ? 'ok' : 'failed',
      subject: `the key “${keyName}”`,
      hostKey,
      detail: text(obj(record.lastError)?.message),
    })
  return out
}

const byAddress = (i: Input) => text(i.address)
const byKey = (i: Input) => text(i.key)
const certificateOf = (i: Input) => `the certificate of ${text(i.key)}`

const MAP: Record<string, Mapper> = {
  'console.probe': one('probed', (i) => `the console at ${text(i.address)}`, byAddress),
  'uisp.probe': one('probed', (i) => `the UISP server at ${text(i.address)}`, byAddress),
  'console.trust': one('trusted', certificateOf, byKey),
  'uisp.trust': one('trusted', certificateOf, byKey),
  // The username is a name the user typed, not a secret; the password is never read.
  'console.signIn': one('signed-in', (i) => `as ${text(i.username)}`, byKey),
  'uisp.signIn': one('signed-in', (i) => `as ${text(i.username)}`, byKey),
  'provision.run': provisionSteps,
  'provision.resume': provisionSteps,
  'provision.cleanup': one(
    'cleaned-up',
    () => 'what a key flow made',
    (_i, v) => text(obj(v?.record)?.consoleKey),
  ),
  'uisp.createToken': (input, value) => [
    {
      action: 'minted',
      outcome: 'ok',
      subject: `the UISP token “${text(input.name)}”`,
      hostKey: text(input.key),
      keyId: text(value?.keyId),
      words: `purpose ${text(input.purpose)}`,
    },
  ],
  'uisp.revokeToken': one('revoked', (i) => `the UISP token ${text(i.tokenId)}`, byKey),
  'ha.consent': (input) => [
    {
      action: 'consented',
      outcome: 'ok',
      subject: 'to send a password to Home Assistant',
      hostKey: null,
      keyId: text(input.keyId),
      words: text(input.sentence),
    },
  ],
  'ha.push': (input, value) => [
    {
      action: 'pushed-to-ha',
      outcome: 'ok',
      subject: `to Home Assistant (${text(value?.outcome) ?? 'done'})`,
      hostKey: null,
      keyId: text(input.keyId),
      words: text(input.mode) ? `mode ${text(input.mode)}` : null,
    },
  ],
  'keys.check': (input) => {
    const ids = Array.isArray(input.ids) ? input.ids.length : null
    const subject = ids === null ? 'every watched key' : ids === 1 ? 'a watched key' : `${ids} watched keys`
    const keyId = ids === 1 ? text((input.ids as unknown[])[0]) : null
    return [{ action: 'verified', outcome: 'ok', subject, keyId }]
  },
  'keys.rotate': (input) => [{ action: 'rotated', outcome: 'ok', subject: 'a watched key', keyId: text(input.id) }],
  'keys.revoke': (input) => [{ action: 'revoked', outcome: 'ok', subject: 'a watched key', keyId: text(input.id) }],
  'keys.forget': (input) => [{ action: 'forgot', outcome: 'ok', subject: 'a watched key', keyId: text(input.id) }],
}

/** The first entry a failed request leaves: the same action, `failed`, with the failure's words. */
export function activitiesOf(name: string, input: unknown, outcome: Outcome<unknown>): NewActivity[] {
  const mapper = MAP[name]
  if (!mapper) return []
  const i = obj(input) ?? {}
  if (outcome.ok) return mapper(i, obj(outcome.value))
  const [first] = mapper(i, null)
  return first ? [{ ...first, outcome: 'failed', detail: outcome.error.message }] : []
}

/** Names whose activity is known before they run (tests and the docs list them). */
export const ACTIVITY_REQUESTS = Object.keys(MAP)

type Dispatch = (name: unknown, input: unknown) => Promise<Outcome<unknown>>

/**
 * The dispatch with every activity recorded after it answers. A key named by id is looked up before
 * the request runs (a revoke forgets it), so the entry names it and its console. Malformed requests
 * leave nothing; a log write that fails never changes the answer.
 */
export function withActivity(
  dispatch: Dispatch,
  log: { record(entry: NewActivity): void },
  keys: () => readonly { id: string; name: string; consoleKey: string }[],
  onError: (error: unknown) => void = () => {},
): Dispatch {
  return async (name, input) => {
    const mapped = typeof name === 'string' && Object.hasOwn(MAP, name)
    const keyId = mapped ? (text(obj(input)?.id) ?? text(obj(input)?.keyId)) : null
    const before = keyId ? keys().find((k) => k.id === keyId) : undefined
    const outcome = await dispatch(name, input)
    if (!mapped || (!outcome.ok && ['invalid-input', 'unknown-request'].includes(outcome.error.code))) return outcome
    for (const entry of activitiesOf(name as string, input, outcome)) {
      const named =
        before && entry.subject === 'a watched key' ? { ...entry, subject: `the key “${before.name}”` } : entry
      try {
        log.record(before ? { ...named, hostKey: named.hostKey ?? before.consoleKey, keyId: before.id } : named)
      } catch (error) {
        onError(error)
      }
    }
    return outcome
  }
}
