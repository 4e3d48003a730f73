// What each e2e test leaves for the secret-leak scan (tests/support/leak-scan.ts,
// run by leak-scan.teardown.ts after the whole suite): the secrets it created
// and everything a user, a log reader or a process could see.
import type { Page, TestInfo } from '@playwright/test'
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, type Logger } from '../../electron/core/log.ts'
import type { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import type { RunningHomeAssistant } from '../simulators/home-assistant/server.ts'
import { SECRETS_FILE } from '../support/leak-scan.ts'
import { CLOUD_PASSWORD, LIMITED_PASSWORD, OWNER_PASSWORD } from '../simulators/console/presets.ts'
import { ADMIN_TOKEN, USER_TOKEN } from '../simulators/home-assistant/state.ts'
import { UISP_ADMIN, UISP_OPERATOR, UISP_TOTP_SECRET, UISP_VIEWER } from '../simulators/uisp/state.ts'

/**
 * What the user types in: the simulators' fixed passwords, HA tokens and the TOTP seed. The lab's
 * simulators run in other processes, so their issued secrets are known here only through the
 * keychain; these at least cover every credential a spec may type.
 */
const TYPED_CREDENTIALS = [
  OWNER_PASSWORD,
  CLOUD_PASSWORD,
  LIMITED_PASSWORD,
  ADMIN_TOKEN,
  USER_TOKEN,
  UISP_ADMIN.password,
  UISP_OPERATOR.password,
  UISP_VIEWER.password,
  UISP_TOTP_SECRET,
]

/** Under Playwright's output folder, which it empties when a run starts. */
export const LEAK_DIR = join(import.meta.dirname, '../../test-results/leak-scan')

export function leakDirOf(info: TestInfo): string {
  const name = `${info.project.name}-${info.titlePath.join('-')}-r${info.retry}`
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 180)
  const dir = join(LEAK_DIR, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

function addSecrets(info: TestInfo, secrets: (string | null | undefined)[]): void {
  const file = join(leakDirOf(info), SECRETS_FILE)
  const known: string[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : []
  writeFileSync(
    file,
    JSON.stringify([...new Set([...known, ...secrets.filter((s): s is string => typeof s === 'string' && s !== '')])]),
  )
}

/** The core's log lines as the app would write them (redacted by the real logger), kept for the scan. */
export function recordingLogger(info: TestInfo, isSecret: (s: string) => boolean): Logger {
  const file = join(leakDirOf(info), 'core.log')
  return createLogger((line) => appendFileSync(file, line + '\n'), isSecret)
}

/** The browser host's responses and event frames, one JSON line each. */
export function trafficRecorder(info: TestInfo): (entry: { kind: string; request: string; body: string }) => void {
  const file = join(leakDirOf(info), 'traffic.jsonl')
  return (entry) =>
    appendFileSync(file, JSON.stringify({ kind: entry.kind, request: entry.request, body: entry.body }) + '\n')
}

/** At the end of a test: the keychain's secrets and a copy of every settings file. */
export function saveCoreArtifacts(info: TestInfo, vault: MemorySecretStore, dataDir: string): void {
  addSecrets(info, [...vault.everStored, ...TYPED_CREDENTIALS])
  if (existsSync(dataDir)) cpSync(dataDir, join(leakDirOf(info), 'settings'), { recursive: true })
}

/** Everything the simulators issued: keys, Access tokens, session cookies, CSRF tokens, passwords. */
export function saveSimulatorSecrets(
  info: TestInfo,
  consoles: RunningConsole[],
  homeAssistants: RunningHomeAssistant[],
): void {
  const secrets: string[] = []
  for (const { state } of consoles) {
    for (const k of state.apiKeys.values()) secrets.push(k.key)
    for (const t of state.accessTokens.values()) secrets.push(t.token)
    for (const u of state.users.values()) secrets.push(u.password)
    for (const s of state.sessions.values()) secrets.push(...s.jwts, ...s.csrfTokens)
  }
  for (const ha of homeAssistants) for (const t of ha.config.tokens) secrets.push(t.token)
  addSecrets(info, secrets)
}

/** The renderer's side: console messages and page errors while the test ran, then the DOM at its end. */
export async function recordRenderer(info: TestInfo, page: Page, run: () => Promise<void>): Promise<void> {
  const file = join(leakDirOf(info), 'renderer-console.log')
  const write = (line: string) => appendFileSync(file, line.replace(/\n/g, '\\n') + '\n')
  page.on('console', (m) => write(`${m.type()}: ${m.text()}`))
  page.on('pageerror', (e) => write(`pageerror: ${e.message}`))
  await run()
  if (page.isClosed() || page.url() === 'about:blank') return
  const dom = await page.content().catch(() => null)
  if (dom !== null) writeFileSync(join(leakDirOf(info), 'dom.html'), dom)
}
