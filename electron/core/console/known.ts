// A stored console as a key check sees it (unifi/verify.ts): where it is, its pin, and the apps it was
// seen running. One mapping from the console record, for the wizard, the key watch and Home Assistant.
import type { ConsoleRecord, UnifiApp } from '../../../shared/domain.ts'

export interface KnownConsole {
  key: string
  host: string
  port: number
  name: string | null
  pin: string
  /** Access's API port pin when it has a certificate of its own (ConsoleRecord.accessPin). */
  accessPin?: string
  apps: UnifiApp[]
}

export const knownConsole = (c: ConsoleRecord): KnownConsole => ({
  key: c.key,
  host: c.host,
  port: c.port,
  name: c.name,
  pin: c.certificateSha256,
  apps: c.apps ?? [],
  ...(c.accessPin ? { accessPin: c.accessPin } : {}),
})
