// The budget a server announces in `RateLimit` / `RateLimit-Policy` (unifi-os.md §5.1 [source]:
// uiprotect `_public_api_limiter.py` @435d9ee, reading the express-rate-limit in front of Protect's
// public API). Every shape the reference names is read; a malformed field counts as absent, never throws.
//
// * draft-8 structured fields (RFC 9651), what Protect sends:
//     RateLimit:        "10-in-1sec";r=<remaining>;t=<reset-seconds>
//     RateLimit-Policy: "10-in-1sec";q=<quota>;w=<window-seconds>;pk=:<partition key>:
//   RateLimit-Policy is an sf-list. RateLimit is named an sf-item, but the server adds its headers with
//   `response.append()`, so a second policy may add a second RateLimit line too [inferred]: RateLimit is
//   read as an sf-list, of which a lone sf-item is the one-member case. Both shapes are handled.
// * several header lines: joined with ", " before parsing (the reference: aiohttp `getall`). Node's
//   `IncomingMessage.headers` already joins repeated lines that way; an array (raw lines) is joined here.
// * draft-7 (`RateLimit: limit=10, remaining=9, reset=1`, `RateLimit-Policy: 10;w=1`): the reference says
//   it "does not parse as an sf-item"; it is express-rate-limit's other standard form, so it is read as
//   the sf-dictionary it is [inferred: whether any Protect firmware sends it]. Its policy has no name ('').
// * no headers (older firmware): no policies; the caller then relies on 429 + Retry-After.

/** Response headers as Node gives them (lower-case names; repeated lines joined or as an array). */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>

export interface RateLimitPolicy {
  /** Policy name, e.g. "10-in-1sec"; '' for the draft-7 form, which names none. */
  name: string
  /** `q`: requests allowed per window; null when only `RateLimit` named the policy. */
  quota: number | null
  /** `w`: window length in seconds; null when not said. */
  windowSeconds: number | null
  /** `r`: requests left in the current window; null when `RateLimit` did not say. */
  remaining: number | null
  /** `t`: seconds until the quota resets; null when not said. */
  resetSeconds: number | null
  /** `pk`: partition key (base64). Protect keys its limiter per user principal (§5.1). */
  partitionKey: string | null
}

// ---- RFC 9651 structured fields (the subset HTTP rate-limit headers can carry) ---------------------

type Bare =
  | { type: 'integer' | 'decimal'; value: number }
  | { type: 'string' | 'token' | 'bytes'; value: string }
  | { type: 'boolean'; value: boolean }
interface Item {
  bare: Bare
  params: Map<string, Bare>
}
/** A list or dictionary member: an item, or an inner list (which no rate-limit field uses). */
type Member = Item | { inner: Item[]; params: Map<string, Bare> }

class Malformed extends Error {}

class Reader {
  i = 0
  constructor(readonly s: string) {}
  peek(): string {
    return this.s[this.i] ?? ''
  }
  done(): boolean {
    return this.i >= this.s.length
  }
  fail(): never {
    throw new Malformed(`malformed structured field at ${this.i}`)
  }
  spaces(): void {
    while (this.peek() === ' ') this.i++
  }
  ows(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++
  }
}

const DIGIT = /^[0-9]$/
const ALPHA = /^[A-Za-z]$/
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z:/]$/
const KEY_FIRST = /^[a-z*]$/
const KEY_CHAR = /^[a-z0-9_\-.*]$/

function readNumber(r: Reader): Bare {
  const negative = r.peek() === '-'
  if (negative) r.i++
  if (!DIGIT.test(r.peek())) r.fail()
  let text = ''
  let decimal = false
  while (!r.done()) {
    const c = r.peek()
    if (DIGIT.test(c)) text += c
    else if (c === '.' && !decimal) {
      if (text.length > 12) r.fail()
      text += c
      decimal = true
    } else break
    r.i++
    if (text.length > (decimal ? 16 : 15)) r.fail()
  }
  if (decimal && (text.endsWith('.') || text.split('.')[1]!.length > 3)) r.fail()
  const value = (negative ? -1 : 1) * Number(text)
  return { type: decimal ? 'decimal' : 'integer', value }
}

function readString(r: Reader): Bare {
  r.i++ // opening quote
  let out = ''
  while (!r.done()) {
    const c = r.s[r.i++]!
    if (c === '\\') {
      const next = r.s[r.i++]
      if (next !== '"' && next !== '\\') r.fail()
      out += next
    } else if (c === '"') {
      return { type: 'string', value: out }
    } else if (c < ' ' || c > '~') {
      r.fail()
    } else {
      out += c
    }
  }
  return r.fail()
}

function readBare(r: Reader): Bare {
  const c = r.peek()
  if (c === '-' || DIGIT.test(c)) return readNumber(r)
  if (c === '"') return readString(r)
  if (c === '*' || ALPHA.test(c)) {
    const start = r.i++
    while (TCHAR.test(r.peek())) r.i++
    return { type: 'token', value: r.s.slice(start, r.i) }
  }
  if (c === ':') {
    const end = r.s.indexOf(':', r.i + 1)
    const value = end < 0 ? '' : r.s.slice(r.i + 1, end)
    if (end < 0 || !/^[A-Za-z0-9+/=]*$/.test(value)) r.fail()
    r.i = end + 1
    return { type: 'bytes', value }
  }
  if (c === '?') {
    const v = r.s[r.i + 1]
    if (v !== '0' && v !== '1') r.fail()
    r.i += 2
    return { type: 'boolean', value: v === '1' }
  }
  return r.fail()
}

function readKey(r: Reader): string {
  if (!KEY_FIRST.test(r.peek())) r.fail()
  const start = r.i++
  while (KEY_CHAR.test(r.peek())) r.i++
  return r.s.slice(start, r.i)
}

function readParams(r: Reader): Map<string, Bare> {
  const params = new Map<string, Bare>()
  while (r.peek() === ';') {
    r.i++
    r.spaces()
    const key = readKey(r)
    let value: Bare = { type: 'boolean', value: true }
    if (r.peek() === '=') {
      r.i++
      value = readBare(r)
    }
    params.set(key, value)
  }
  return params
}

function readMember(r: Reader): Member {
  if (r.peek() !== '(') return { bare: readBare(r), params: readParams(r) }
  r.i++
  const inner: Item[] = []
  for (;;) {
    r.spaces()
    if (r.peek() === ')') {
      r.i++
      return { inner, params: readParams(r) }
    }
    inner.push({ bare: readBare(r), params: readParams(r) })
    if (r.peek() !== ' ' && r.peek() !== ')') r.fail()
  }
}

/** Between members: optional whitespace, a comma, optional whitespace; false at the end. */
function nextMember(r: Reader): boolean {
  r.ows()
  if (r.done()) return false
  if (r.s[r.i++] !== ',') r.fail()
  r.ows()
  if (r.done()) r.fail() // a trailing comma
  return true
}

const trimSp = (text: string): string => text.replace(/^ +| +$/g, '')

function parseList(text: string): Member[] {
  const r = new Reader(trimSp(text))
  const members: Member[] = []
  if (r.done()) return members
  do members.push(readMember(r))
  while (nextMember(r))
  return members
}

function parseDictionary(text: string): Map<string, Member> {
  const r = new Reader(trimSp(text))
  const members = new Map<string, Member>()
  if (r.done()) return members
  do {
    const key = readKey(r)
    if (r.peek() === '=') {
      r.i++
      members.set(key, readMember(r))
    } else {
      members.set(key, { bare: { type: 'boolean', value: true }, params: readParams(r) })
    }
  } while (nextMember(r))
  return members
}

// ---- rate-limit semantics ---------------------------------------------------------------------------

function headerText(headers: HeaderBag, name: string): string | null {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue
    return Array.isArray(value) ? value.join(', ') : value
  }
  return null
}

/** Runs a parse; a malformed field is ignored as if absent. */
function orElse<T>(parse: () => T, fallback: T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof Malformed) return fallback
    throw error
  }
}

const isItem = (m: Member | undefined): m is Item => m !== undefined && 'bare' in m
const count = (b: Bare | undefined): number | null => (b?.type === 'integer' && b.value >= 0 ? b.value : null)
const nameOf = (b: Bare): string | null => (b.type === 'string' || b.type === 'token' ? b.value : null)
const keyOf = (params: Map<string, Bare>): string | null => {
  const pk = params.get('pk')
  return pk?.type === 'bytes' ? pk.value : null
}

const empty = (name: string): RateLimitPolicy => ({
  name,
  quota: null,
  windowSeconds: null,
  remaining: null,
  resetSeconds: null,
  partitionKey: null,
})

/** `RateLimit-Policy` members: draft-8 `"name";q=;w=;pk=` or draft-7 `<quota>;w=`. No quota, no policy. */
function policiesOf(members: Member[]): RateLimitPolicy[] {
  return members.filter(isItem).flatMap((m) => {
    const draft7 = m.bare.type === 'integer'
    const name = draft7 ? '' : nameOf(m.bare)
    const quota = draft7 ? count(m.bare) : count(m.params.get('q'))
    if (name === null || quota === null) return []
    const w = count(m.params.get('w'))
    return [{ ...empty(name), quota, windowSeconds: w !== null && w > 0 ? w : null, partitionKey: keyOf(m.params) }]
  })
}

/** `RateLimit`: draft-8 list `"name";r=;t=` or, failing that, the draft-7 dictionary. */
function limitsOf(text: string): RateLimitPolicy[] {
  const draft8 = orElse(() => parseList(text), null)
  if (draft8) {
    return draft8.filter(isItem).flatMap((m) => {
      const name = nameOf(m.bare)
      const remaining = count(m.params.get('r'))
      if (name === null || remaining === null) return []
      return [{ ...empty(name), remaining, resetSeconds: count(m.params.get('t')), partitionKey: keyOf(m.params) }]
    })
  }
  const draft7 = orElse(() => parseDictionary(text), new Map<string, Member>())
  const field = (k: string) => {
    const m = draft7.get(k)
    return isItem(m) ? count(m.bare) : null
  }
  const remaining = field('remaining')
  if (remaining === null) return []
  return [{ ...empty(''), quota: field('limit'), remaining, resetSeconds: field('reset') }]
}

/**
 * Each announced policy with what is left of it. A `RateLimit` member joins the `RateLimit-Policy`
 * member of the same name (draft-7: the one with its quota); one without a policy is kept on its own.
 */
export function parseRateLimit(headers: HeaderBag): RateLimitPolicy[] {
  const policyText = headerText(headers, 'ratelimit-policy')
  const limitText = headerText(headers, 'ratelimit')
  const policies = policyText === null ? [] : orElse(() => policiesOf(parseList(policyText)), [])
  const limits = limitText === null ? [] : limitsOf(limitText)
  for (const limit of limits) {
    const same = policies.filter((p) => p.name === limit.name && p.remaining === null)
    const match = same.find((p) => limit.quota !== null && p.quota === limit.quota) ?? same[0]
    if (match) {
      match.remaining = limit.remaining
      match.resetSeconds = limit.resetSeconds
      match.partitionKey ??= limit.partitionKey
    } else {
      policies.push(limit)
    }
  }
  return policies
}

/** The policy that binds first: "with several policies the lowest q/w wins" (§5.1). */
export function strictestPolicy(policies: readonly RateLimitPolicy[]): RateLimitPolicy | null {
  let best: RateLimitPolicy | null = null
  for (const p of policies) {
    if (p.quota === null || p.windowSeconds === null) continue
    if (!best || p.quota / p.windowSeconds < best.quota! / best.windowSeconds!) best = p
  }
  return best
}

/**
 * `Retry-After` in seconds (delta-seconds or an HTTP date); null when absent or unreadable. A fractional
 * delta (not RFC 9110, but "retry after 5.37s" is how Site Manager words it, unifi-os.md §5.4) is rounded
 * up; text without a letter is never read as a date (`Date.parse('1.5')` is a day in 2001, i.e. "now").
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return null
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text))
  if (!/[A-Za-z]/.test(text)) return null
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000))
}
