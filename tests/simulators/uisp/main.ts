// CLI: a UISP server (or UISP-firmware device), e.g. inside a lab host.
//   tsx tests/simulators/uisp/main.ts --host 10.73.0.17 [--port 443] [--mode server|device]
//       [--two-factor] [--token-lifetime <seconds|never>] [--key-option self-signed|untrusted|none]
//       [--connection-host <host>] [--connection-port <port>] [--connection-format raw|json]
//       [--certificate self-signed|ca-issued] [--totp-needs-password]
// Prints exactly one JSON line on stdout once listening:
//   {"ready":true,"url":…,"port":…,"sha256":…,"mode":…[,"users":…,"totpSecret":…,"caPem":…]}
// Exits 0 after closing on SIGTERM/SIGINT.
import { parseArgs } from 'node:util'
import { serve } from '../serve.ts'
import {
  startUispServer,
  UISP_ADMIN,
  UISP_OPERATOR,
  UISP_TOTP_SECRET,
  UISP_VIEWER,
  type UispServerOptions,
} from './server.ts'

function fail(message: string): never {
  console.error(`uisp simulator: ${message}`)
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '443' },
    mode: { type: 'string', default: 'server' },
    'two-factor': { type: 'boolean', default: false },
    'token-lifetime': { type: 'string', default: 'never' },
    'key-option': { type: 'string', default: 'self-signed' },
    'connection-host': { type: 'string' },
    'connection-port': { type: 'string' },
    'connection-format': { type: 'string', default: 'raw' },
    certificate: { type: 'string', default: 'self-signed' },
    'totp-needs-password': { type: 'boolean', default: false },
  },
  strict: true,
})

const choice = <T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T => {
  if (!allowed.includes(value as T)) fail(`--${name} must be one of ${allowed.join(', ')}`)
  return value as T
}
const portOf = (name: string, text: string): number => {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n > 65535) fail(`bad --${name} ${text}`)
  return n
}

const mode = choice('mode', values.mode, ['server', 'device'] as const)
const lifetime = values['token-lifetime'] === 'never' ? null : Number(values['token-lifetime'])
if (lifetime !== null && !(Number.isFinite(lifetime) && lifetime > 0))
  fail('--token-lifetime must be seconds or "never"')
const keyOption = choice('key-option', values['key-option'], ['self-signed', 'untrusted', 'none'] as const)
const options: UispServerOptions = {
  host: values.host,
  port: portOf('port', values.port),
  mode,
  twoFactor: values['two-factor'],
  tokenLifetimeMs: lifetime === null ? null : lifetime * 1000,
  keyOption:
    keyOption === 'self-signed'
      ? 'allowSelfSignedCertificate'
      : keyOption === 'untrusted'
        ? 'allowUntrustedCertificate'
        : null,
  connectionFormat: choice('connection-format', values['connection-format'], ['raw', 'json'] as const),
  certificate: choice('certificate', values.certificate, ['self-signed', 'ca-issued'] as const),
  totpNeedsPassword: values['totp-needs-password'],
  ...(values['connection-host'] === undefined ? {} : { connectionHost: values['connection-host'] }),
  ...(values['connection-port'] === undefined
    ? {}
    : { connectionPort: portOf('connection-port', values['connection-port']) }),
}

await serve(() => startUispServer(options), {
  fail,
  where: `${values.host}:${values.port}`,
  ready: (running) => ({
    url: running.url,
    port: running.port,
    sha256: running.sha256,
    mode,
    ...(mode === 'server'
      ? {
          users: { superadmin: UISP_ADMIN.username, admin: UISP_OPERATOR.username, guest: UISP_VIEWER.username },
          ...(options.twoFactor ? { totpSecret: UISP_TOTP_SECRET } : {}),
        }
      : {}),
    ...(running.caPem ? { caPem: running.caPem } : {}),
  }),
})
