// The secret-leak scan run after the e2e suite (tests/e2e/leak-scan.teardown.ts).
// Each test leaves a folder under the run's leak-scan directory: `secrets.json`
// (every secret that test created: keychain items, keys and tokens the
// simulators issued, passwords) next to what the user or a process could see:
// core log lines, the settings files, the browser host's responses and events,
// the renderer's console and errors, and a DOM snapshot. Every secret of the
// run is looked for in every artifact, raw and in the encodings a leak takes
// (JSON-escaped, URL-encoded, base64, base64url, hex).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { secretAnsweringRequests } from '../../shared/contract.ts'

export const SECRETS_FILE = 'secrets.json'
/** Shorter strings are too likely to occur by chance (and no real key is this short). */
export const MIN_SECRET_LENGTH = 8

/**
 * Lines of `traffic.jsonl` answering a request where the user explicitly asked
 * for the secret (copy in the browser host, reveal): the one allowed crossing.
 */
export const EXPLICIT_REQUESTS: readonly string[] = secretAnsweringRequests

export interface Hit {
  /** Artifact path relative to the scanned directory. */
  file: string
  line: number
  encoding: string
  /** Masked: the first and last two characters of the secret. */
  secret: string
  /** Which test's secret it was. */
  owner: string
}

const mask = (s: string) => `${s.slice(0, 2)}…${s.slice(-2)} (${s.length} chars)`

function encodings(secret: string): [string, string][] {
  const b = Buffer.from(secret, 'utf8')
  return [
    ['raw', secret],
    ['json-escaped', JSON.stringify(secret).slice(1, -1)],
    ['url-encoded', encodeURIComponent(secret)],
    ['base64', b.toString('base64').replace(/=+$/, '')],
    ['base64url', b.toString('base64url')],
    ['hex', b.toString('hex')],
  ]
}

function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
}

/** Every secret recorded under `dir`, with the test that made it. */
export function collectSecrets(dir: string): Map<string, string> {
  const secrets = new Map<string, string>()
  for (const file of files(dir).filter((f) => f.endsWith(SECRETS_FILE))) {
    const owner = relative(dir, file).replace(/[/\\]?secrets\.json$/, '')
    for (const s of JSON.parse(readFileSync(file, 'utf8')) as unknown[]) {
      if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH && !secrets.has(s)) secrets.set(s, owner)
    }
  }
  return secrets
}

export function scanForLeaks(dir: string): { hits: Hit[]; files: number; secrets: number } {
  const secrets = collectSecrets(dir)
  const needles = [...secrets].flatMap(([secret, owner]) =>
    encodings(secret)
      .filter(([, n]) => n.length >= MIN_SECRET_LENGTH)
      .map(([encoding, needle]) => ({ secret, owner, encoding, needle })),
  )
  const artifacts = files(dir).filter((f) => !f.endsWith(SECRETS_FILE))
  const hits: Hit[] = []
  for (const file of artifacts) {
    const lines = readFileSync(file, 'utf8').split('\n')
    const traffic = file.endsWith('traffic.jsonl')
    lines.forEach((text, i) => {
      if (traffic && EXPLICIT_REQUESTS.some((r) => text.startsWith(`{"kind":"response","request":"${r}"`))) return
      const found = new Set<string>()
      for (const n of needles) {
        // One hit per secret and line, in the first (plainest) encoding that matches.
        if (found.has(n.secret) || !text.includes(n.needle)) continue
        found.add(n.secret)
        hits.push({
          file: relative(dir, file),
          line: i + 1,
          encoding: n.encoding,
          secret: mask(n.secret),
          owner: n.owner,
        })
      }
    })
  }
  return { hits, files: artifacts.length, secrets: secrets.size }
}

export function describeHits(hits: Hit[]): string {
  return hits.map((h) => `  ${h.file}:${h.line}: a secret of "${h.owner}" (${h.secret}), ${h.encoding}`).join('\n')
}
